"""Edit-handler pieces of the approval document form."""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel


class PersonInlinePanel(InlinePanel):
    """InlinePanel whose rows use ApprovedPersonForm (it takes the ID number, stores the hash)."""

    def get_form_options(self):
        from approvals.admin.forms import ApprovedPersonForm

        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = ApprovedPersonForm
        return options


PERSON_PANELS = [
    FieldRowPanel([FieldPanel("name"), FieldPanel("gender")]),
    FieldPanel("id_number"),
    FieldPanel("id_masked", read_only=True),
    FieldPanel("unit"),
    FieldRowPanel([FieldPanel("series"), FieldPanel("specialty")]),
    FieldRowPanel([FieldPanel("qualification"), FieldPanel("level"), FieldPanel("review_type")]),
    FieldPanel("photo"),
]

DOCUMENT_PANELS = [
    MultiFieldPanel(
        [
            FieldPanel("authority"),
            FieldPanel("title"),
            FieldPanel("addressees"),
            FieldPanel("review_committee"),
            FieldPanel("date"),
            FieldPanel("supersedes"),
        ],
        heading="文件",
    ),
    FieldPanel("body"),
    PersonInlinePanel("persons", panels=PERSON_PANELS, label="人员", heading="通过人员名单"),
]
