"""Import a notice from its original document (plain text, Markdown or DOCX).

`parse_file` / `parse_text` return a `ParsedNotice` without touching the database;
`create_notice_page` (in `notices.importer.create`) turns it into a draft NoticePage.
"""

from .parse import ParsedNotice, parse_file, parse_text
from .text import NoticeImportError, read_document

__all__ = ["NoticeImportError", "ParsedNotice", "parse_file", "parse_text", "read_document"]
