import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from notices.importer import NoticeImportError, parse_file
from notices.importer.create import (
    authority_gaps,
    create_notice_page,
    find_duplicate,
    resolve_authority,
)


class Command(BaseCommand):
    help = (
        "从纯文本、Markdown 或 Word 文件导入评审通知，生成草稿（--publish 直接发布）。"
        "--json 输出识别出的各项内容、其在原文中的位置（span）和未能识别的内容（warnings）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="通知文件路径（.txt / .md / .docx）")
        parser.add_argument("--authority", help="发文机关标识（slug）；省略时按落款自动识别")
        parser.add_argument("--publish", action="store_true", help="导入后直接发布")
        parser.add_argument("--dry-run", action="store_true", help="只识别，不保存")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出识别结果")
        parser.add_argument(
            "--update",
            action="store_true",
            help="同一文号（或同一标题和发文机关）的草稿已存在时，用本文件更新该草稿",
        )

    def handle(self, *args, path, authority, publish, dry_run, json: bool, update, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            parsed = parse_file(file.read_bytes(), file.name)
        except NoticeImportError as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.stdout.write(_dumps(parsed.as_json()))
        if dry_run:
            if not json:
                self.stdout.write(f"识别结果（未保存）：{parsed.title}")
                for warning in parsed.warnings:
                    self.stdout.write(f"  未识别：{warning}")
            return
        try:
            chosen = resolve_authority(parsed, authority)
            existing = find_duplicate(parsed, chosen) if update else None
            page = create_notice_page(parsed, authority=chosen, publish=publish, update=existing)
        except NoticeImportError as exc:
            raise CommandError(str(exc)) from exc
        state = "已发布" if publish else "已保存为草稿"
        if existing is not None:
            state = "已更新并发布" if publish else "已更新草稿"
        out = self.stderr if json else self.stdout
        out.write(f"{state}：{page.title}（ID {page.pk}，{chosen.short_name}）")
        for warning in parsed.warnings + authority_gaps(chosen):
            out.write(f"  请核对：{warning}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
