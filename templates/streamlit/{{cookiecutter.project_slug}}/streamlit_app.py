"""The Streamlit app: `streamlit run streamlit_app.py`. The logic is in the package's app_logic."""

from {{ cookiecutter.package_name }}.app_logic import render

render()
