"""帳票定義: the installed forms, each with its blank template and the field zones drawn on it,
and the fields' types and review policies. (A new form is written as a folder, see
``form_schemas/README.md``, and checked with ``formocr forms check``.)"""

from __future__ import annotations

import streamlit as st

from form_schemas.registry import FormDefinition
from form_schemas.sensitivity import is_sensitive
from review_ui import images, navigation, services, texts


def render() -> None:
    """The 帳票定義 page (run by the navigation, review_ui.navigation)."""
    services.require(*navigation.ADMINS)
    registry = services.forms()
    st.title("帳票定義")

    forms = list(registry)
    st.dataframe(
        [
            {
                "ID": f.id,
                "版": f.spec.version,
                "名称": f.spec.title,
                "項目数": len(f.fields),
                "画像": f"{f.width}×{f.height}（{f.spec.template.dpi} dpi）",
                "フォルダ": str(f.folder),
            }
            for f in forms
        ],
        hide_index=True,
        width="stretch",
    )
    chosen = st.selectbox(
        "表示する帳票", forms, format_func=lambda f: f"{f.spec.title}（{f.id}）", key="fm_form"
    )

    @st.cache_data(max_entries=16, show_spinner=False)
    def drawn(form_id: str, version: int, folder: str) -> bytes:
        """The template with every field's outline, numbered as in the table below."""
        form = services.form(form_id)
        assert form is not None
        boxes = [
            images.Box(f.outline(), n, "#d62728" if f.double_entry else "#1f77b4")
            for n, f in enumerate(form.fields, 1)
        ]
        return images.page_with_boxes(form.template_path.read_bytes(), boxes)

    def policy(form: FormDefinition) -> list[dict[str, object]]:
        return [
            {
                "番号": n,
                "ID": f.id,
                "名称": f.label,
                "種類": texts.field_type(f.type.value),
                "必須": "はい" if f.required else "",
                "目視確認": texts.REVIEW_POLICY[f.review],
                "二重入力": "はい" if f.double_entry else "",
                "秘匿": "はい" if is_sensitive(f) else "",
                "出力列名": f.column,
            }
            for n, f in enumerate(form.fields, 1)
        ]

    left, right = st.columns([3, 2])
    with left:
        st.image(
            drawn(chosen.id, chosen.spec.version, str(chosen.folder)),
            caption="青: 項目の枠　赤: 二重入力の項目",
        )
    with right:
        st.dataframe(policy(chosen), hide_index=True, width="stretch")
    st.caption(
        "新しい帳票は、白紙のテンプレート画像と form.yaml のフォルダとして追加し、"
        "`formocr forms check フォルダ` で確かめます（form_schemas/README.md）。"
    )
