from django import forms

from .kinds import site_kinds
from .site import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    """The query and filters of /search/. Invalid filters are dropped, never an error page."""

    q = forms.CharField(label="检索词", required=False, strip=True)
    type = forms.ChoiceField(label="类型", required=False)
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    authority = forms.TypedChoiceField(
        label="发文机关", required=False, coerce=int, empty_value=None
    )

    max_query_length = MAX_QUERY_LENGTH

    def __init__(self, *args, years=(), authorities=(), kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = site_kinds() if kinds is None else kinds
        self.fields["type"].choices = [("", "全部类型")] + [(k.value, k.label) for k in kinds]
        self.fields["year"].choices = [("", "全部年度")] + [(y, f"{y}年") for y in years]
        self.fields["authority"].choices = [("", "全部发文机关")] + list(authorities)

    def filters(self) -> dict:
        """The valid filters; an invalid one (a tampered URL) is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "kinds": [data["type"]] if data.get("type") and "type" not in self.errors else None,
            "year": data.get("year") if "year" not in self.errors else None,
            "authority_id": data.get("authority") if "authority" not in self.errors else None,
        }
