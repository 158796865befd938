#!/usr/bin/env python3
"""Regenerates tests/cases/hostile/: archives that must never panic, hang or leak.

`reject-*` archives must end in findings with exit 1 (or a clear error with exit 2) and make
`build` write nothing; `accept-*` archives are valid but hostile (scripts in titles, PDFs with
JavaScript, CMYK JPEGs …) and must build into HTML with no script, handler, javascript: link or
remote src of theirs. Things git cannot hold well (invalid UTF-8 names, newlines in names,
multi-MB strings, sparse multi-GB files, symlinks) are made at test time by tests/hostile.rs.
Run from the repository root: python3 tests/cases/make_hostile.py
"""
import io, os, shutil, struct, sys, zlib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import pdf, jpeg, png, mp4
from PIL import Image

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile")

BASE = """\
case:
  id: H-1
  number: 测〔2024〕1号
  title: {title}
  kind: 行政处罚
  procedure: 普通程序
  party: {party}
  handlers: [张三, 李四]
  decision_no: 测罚〔2024〕1号
  opened: 2024-03-01
  decided: 2024-04-10
  closed: 2024-05-06
  status: 已结案
archive:
  retention: 永久
  filed_by: 王五
  checked_by: 赵六
  filed_on: 2024-05-20
  remarks: {remarks}
materials:
  - type: 案件来源登记表
    file: a.md
    date: 2024-03-01
    note: {note}
  - type: 立案审批表
    file: b.md
    date: 2024-03-01
  - type: 证据材料
    file: {evidence}
    date: 2024-03-05
  - type: 案件调查终结报告
    file: c.md
    date: 2024-03-20
  - type: 行政处罚事先告知书
    file: d.md
    date: 2024-03-25
  - type: 行政处罚决定审批表
    file: e.md
    date: 2024-04-09
  - type: 行政处罚决定书
    file: f.md
    date: 2024-04-10
  - type: 送达回证
    file: g.jpg
    date: 2024-04-11
  - type: 结案报告
    file: h.md
    date: 2024-05-06
"""

def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

def archive(name, yaml_text=None, md=None, evidence=("ev.pdf", None), extra=None, title="测试案", party="某某", remarks="无", note="无"):
    root = os.path.join(HERE, name)
    d = os.path.join(root, "case")
    ev_name, ev_bytes = evidence
    text = yaml_text if yaml_text is not None else BASE.format(title=q(title), party=q(party), remarks=q(remarks), note=q(note), evidence=q(ev_name))
    write(os.path.join(d, "case.yaml"), text)
    mds = md or {}
    for n in "abcdefh":
        write(os.path.join(d, f"{n}.md"), mds.get(n, f"# 文书 {n}\n\n正文。\n"))
    write(os.path.join(d, "g.jpg"), jpeg(7))
    if ev_bytes is not False:
        write(os.path.join(d, ev_name), ev_bytes if ev_bytes is not None else pdf(2))
    for rel, data in (extra or {}).items():
        write(os.path.join(d, rel), data)
    return d

def base_text(**kw):
    args = dict(title=q("测试案"), party=q("某某"), remarks=q("无"), note=q("无"), evidence=q("ev.pdf"))
    args.update(kw)
    return BASE.format(**args)

def main():
    shutil.rmtree(HERE, ignore_errors=True)
    n = 0
    def R(label, **kw):
        nonlocal n; n += 1
        return archive(f"reject-{n:03d}-{label}", **kw)
    def A(label, **kw):
        nonlocal n; n += 1
        return archive(f"accept-{n:03d}-{label}", **kw)
    t = base_text()
    # --- Malformed YAML ---
    R("tab-indent", yaml_text=t.replace("  kind:", "\tkind:"))
    R("tab-in-list", yaml_text=t.replace("    file: b.md", "\tfile: b.md"))
    R("bad-indent", yaml_text=t.replace("  title:", "    title:"))
    R("bad-indent-material", yaml_text=t.replace("    date: 2024-03-05", "      date: 2024-03-05"))
    R("dup-top-key", yaml_text=t + "case:\n  id: X\n")
    R("dup-case-key", yaml_text=t.replace("  kind: 行政处罚\n", "  kind: 行政处罚\n  kind: 行政许可\n"))
    R("dup-material-key", yaml_text=t.replace("    file: b.md\n", "    file: b.md\n    file: c.md\n"))
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(f"{chr(98+i)}: &{chr(98+i)} [*{chr(97+i)},*{chr(97+i)},*{chr(97+i)},*{chr(97+i)},*{chr(97+i)},*{chr(97+i)},*{chr(97+i)},*{chr(97+i)},*{chr(97+i)},*{chr(97+i)}]\n" for i in range(9)) + "case: *j\n"
    R("alias-bomb", yaml_text=bomb)
    R("deep-nesting-flow", yaml_text="case: " + "[" * 5000 + "]" * 5000 + "\n")
    R("deep-nesting-block", yaml_text="case:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(300)))
    R("bom-then-broken", yaml_text="\ufeff" + t.replace("case:\n", "case\n", 1))
    R("empty-file", yaml_text="")
    R("only-comment", yaml_text="# nothing here\n")
    R("list-not-map", yaml_text="- case: 1\n- materials: []\n")
    R("scalar-not-map", yaml_text="just a string\n")
    R("null-document", yaml_text="~\n")
    R("unclosed-quote", yaml_text=t.replace("number: 测〔2024〕1号", 'number: "测〔2024〕1号'))
    R("unclosed-flow", yaml_text=t.replace("handlers: [张三, 李四]", "handlers: [张三, 李四"))
    R("binary-garbage", yaml_text="\x00\x01\x02case: \xff")
    R("anchor-undefined", yaml_text=t.replace("party: \"某某\"", "party: *nowhere"))
    R("multi-document", yaml_text=t + "---\ncase: {}\n")
    A("tag-abuse", yaml_text=t.replace('party: "某某"', "party: !!binary AAAA"))
    A("complex-key", yaml_text=t.replace("case:\n", "? [a, b]\n: 1\ncase:\n", 1))
    # --- Wrong types and values ---
    R("materials-string", yaml_text=t.split("materials:")[0] + "materials: 十二件\n")
    R("materials-map", yaml_text=t.split("materials:")[0] + "materials:\n  type: 立案审批表\n")
    R("material-is-string", yaml_text=t.replace("  - type: 立案审批表\n    file: b.md\n    date: 2024-03-01\n", "  - 立案审批表\n"))
    R("handlers-map", yaml_text=t.replace("handlers: [张三, 李四]", "handlers: {a: 1}"))
    R("facts-list", yaml_text=t.replace("  status: 已结案\n", "  status: 已结案\n  facts: [hearing]\n"))
    R("facts-not-bool", yaml_text=t.replace("  status: 已结案\n", "  status: 已结案\n  facts: {hearing: 是}\n"))
    R("pages-words", yaml_text=t.replace("    date: 2024-03-05\n", "    date: 2024-03-05\n    pages: 十二\n"))
    R("pages-negative", yaml_text=t.replace("    date: 2024-03-05\n", "    date: 2024-03-05\n    pages: -3\n"))
    R("pages-huge", yaml_text=t.replace("    date: 2024-03-05\n", "    date: 2024-03-05\n    pages: 99999999999999999999\n"))
    R("pages-float", yaml_text=t.replace("    date: 2024-03-05\n", "    date: 2024-03-05\n    pages: 1.5e300\n"))
    R("pages-mismatch", yaml_text=t.replace("    date: 2024-03-05\n", "    date: 2024-03-05\n    pages: 7\n"))
    R("date-feb-30", yaml_text=t.replace("opened: 2024-03-01", "opened: 2024-02-30"))
    R("date-month-13", yaml_text=t.replace("opened: 2024-03-01", "opened: 2024-13-01"))
    R("date-number", yaml_text=t.replace("opened: 2024-03-01", "opened: 20240301"))
    R("date-words", yaml_text=t.replace("opened: 2024-03-01", "opened: 三月一日"))
    R("date-year-0", yaml_text=t.replace("opened: 2024-03-01", "opened: 0000-01-01"))
    R("date-far-future", yaml_text=t.replace("filed_on: 2024-05-20", "filed_on: 9999-12-31"))
    R("kind-unknown", yaml_text=t.replace("kind: 行政处罚", "kind: 行政奖励"))
    R("kind-list", yaml_text=t.replace("kind: 行政处罚", "kind: [行政处罚]"))
    R("status-unknown", yaml_text=t.replace("status: 已结案", "status: 已撤销"))
    R("retention-unknown", yaml_text=t.replace("retention: 永久", "retention: 100年"))
    R("profile-unknown", yaml_text=t.replace("  procedure: 普通程序\n", "  procedure: 普通程序\n  profile: ../../etc/passwd\n"))
    R("no-case-block", yaml_text=t.split("archive:")[0].replace("case:\n", "other:\n", 1) + "materials: []\n")
    R("missing-required", yaml_text=t.replace("  number: 测〔2024〕1号\n", "").replace("  title: \"测试案\"\n", ""))
    R("file-and-files", yaml_text=t.replace("    file: b.md\n", "    file: b.md\n    files: [c.md]\n"))
    R("neither-file", yaml_text=t.replace("    file: b.md\n", ""))
    R("files-empty", yaml_text=t.replace("    file: b.md\n", "    files: []\n"))
    R("file-number", yaml_text=t.replace("    file: b.md\n", "    file: 12\n"))
    R("file-list", yaml_text=t.replace("    file: b.md\n", "    file: [b.md, c.md]\n"))
    R("type-unknown", yaml_text=t.replace("type: 立案审批表", "type: 不存在的类型"))
    R("type-empty", yaml_text=t.replace("type: 立案审批表", "type: \"\""))
    R("av-missing", yaml_text=t.replace("    file: h.md\n", "    file: v.mp4\n"), extra={"v.mp4": mp4()})
    R("av-bad-time", yaml_text=t.replace("    file: h.md\n", "    file: v.mp4\n    av: {matter: x, start: 昨天, place: y, method: z, officers: [a]}\n"), extra={"v.mp4": mp4()})
    R("id-traversal", yaml_text=t.replace("id: H-1", "id: ../../../tmp/evil").replace("filed_on: 2024-05-20", "filed_on: 2024-07-20"))
    R("id-slash-dot", yaml_text=t.replace("id: H-1", "id: \".\"").replace("number: 测〔2024〕1号", "number: \"\""))
    R("deadline-late", yaml_text=t.replace("filed_on: 2024-05-20", "filed_on: 2024-08-20"))
    # --- Encodings ---
    R("gbk-manifest", yaml_text=None) ; d = os.path.join(HERE, f"reject-{n:03d}-gbk-manifest", "case"); write(os.path.join(d, "case.yaml"), t.encode("gbk"))
    R("utf16-manifest"); d = os.path.join(HERE, f"reject-{n:03d}-utf16-manifest", "case"); write(os.path.join(d, "case.yaml"), t.encode("utf-16"))
    R("latin1-garbage-md", md={"a": ""}); d = os.path.join(HERE, f"reject-{n:03d}-latin1-garbage-md", "case"); write(os.path.join(d, "a.md"), bytes(range(1, 256)) * 3)
    R("nul-in-md"); d = os.path.join(HERE, f"reject-{n:03d}-nul-in-md", "case"); write(os.path.join(d, "a.md"), b"# x\x00\x00\x00y\n")
    # --- Paths ---
    R("dotdot", yaml_text=t.replace("file: b.md", "file: ../b.md"))
    R("dotdot-deep", yaml_text=t.replace("file: b.md", "file: x/../../../../etc/passwd"))
    R("absolute", yaml_text=t.replace("file: b.md", "file: /etc/passwd"))
    R("windows-absolute", yaml_text=t.replace("file: b.md", "file: \"C:\\\\Windows\\\\win.ini\""))
    R("backslash-dotdot", yaml_text=t.replace("file: b.md", "file: \"..\\\\b.md\""))
    R("glob-climb", yaml_text=t.replace("file: b.md", "files: [\"../*\"]"))
    R("glob-recursive-climb", yaml_text=t.replace("file: b.md", "files: [\"**/../../*\"]"))
    R("glob-nothing", yaml_text=t.replace("file: b.md", "files: [\"nope/*.jpg\"]"))
    R("glob-invalid", yaml_text=t.replace("file: b.md", "files: [\"[a-\"]"))
    R("file-missing", yaml_text=t.replace("file: b.md", "file: 不存在.md"))
    R("directory-as-file", yaml_text=t.replace("file: b.md", "file: sub"), extra={"sub/x.md": "# x\n"})
    # --- Broken files ---
    R("pdf-zero", evidence=("ev.pdf", b""))
    R("pdf-truncated", evidence=("ev.pdf", pdf(3)[:300]))
    R("pdf-garbage", evidence=("ev.pdf", b"%PDF-1.7\n" + os.urandom(4096)))
    R("pdf-is-jpeg", evidence=("ev.pdf", jpeg(3)))
    R("pdf-is-html", evidence=("ev.pdf", b"<html><script>alert(1)</script></html>"))
    enc = pdf(1).replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>")
    R("pdf-encrypted", evidence=("ev.pdf", enc))
    R("pdf-no-pages", evidence=("ev.pdf", pdf(1).replace(b"/Count 1", b"/Count 0").replace(b"/Kids [3 0 R]", b"/Kids []")))
    R("jpeg-truncated", evidence=("ev.jpg", jpeg(4)[:400]))
    R("jpeg-header-only", evidence=("ev.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"))
    R("jpeg-zero", evidence=("ev.jpg", b""))
    R("png-truncated", evidence=("ev.png", png(3)[:60]))
    bomb_png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0)
    bomb_png += struct.pack(">I", zlib.crc32(bomb_png[12:29]) & 0xffffffff)
    idat = zlib.compress(b"\x00" * (30001 * 200), 9)
    bomb_png += struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat) & 0xffffffff)
    bomb_png += struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND") & 0xffffffff)
    R("png-bomb-30000", evidence=("ev.png", bomb_png))
    R("png-zero-size", evidence=("ev.png", bomb_png.replace(struct.pack(">II", 30000, 30000), struct.pack(">II", 0, 0))))
    R("tiff-garbage", evidence=("ev.tif", b"II*\x00" + os.urandom(64)))
    R("mp4-not-video", yaml_text=t.replace("    file: h.md\n", "    file: v.mp4\n    av: {matter: x, start: 2024-03-02T09:00:00, place: y, method: z, officers: [a]}\n"), extra={"v.mp4": b"not a video at all"})
    R("exe-as-pdf", evidence=("ev.pdf", b"MZ\x90\x00" + b"\x00" * 200))
    R("docx", evidence=("ev.docx", b"PK\x03\x04" + b"\x00" * 100))
    R("unknown-extension", evidence=("ev.xyz", b"hello"))
    R("no-extension", evidence=("evidence", b"hello"))
    # --- Structure ---
    nested = R("nested-case"); write(os.path.join(nested, "inner", "case.yaml"), t.replace("id: H-1", "id: H-2"))
    vd = R("volume-with-ordinary-case"); os.rename(vd, vd + "-x"); vroot = os.path.dirname(vd); shutil.move(vd + "-x", os.path.join(vroot, "vol", "case")); write(os.path.join(vroot, "vol", "volume.yaml"), "title: 合订卷\nfiled_on: 2024-05-20\n")
    ev = R("empty-volume"); write(os.path.join(os.path.dirname(ev), "vol", "volume.yaml"), "title: 空合订卷\n")
    R("volume-yaml-in-case", extra={"volume.yaml": "title: x\n"})
    many = "".join(f"  - type: 询问笔录\n    file: q{i:04d}.md\n    date: 2024-03-02\n" for i in range(3000))
    d = R("three-thousand-materials", yaml_text=t.split("materials:")[0] + "materials:\n" + many)
    for i in range(3000):
        write(os.path.join(d, f"q{i:04d}.md"), f"# 询问笔录 {i}\n")
    R("same-file-twice-and-missing", yaml_text=t.replace("    file: c.md\n", "    file: b.md\n").replace("file: f.md", "file: gone.md"))
    # --- Ledgers ---
    R("ledger-not-list", extra={"ledger.yaml": "reader: 陈某\n"})
    R("ledger-copy-unapproved", extra={"ledger.yaml": "- at: 2024-06-03T09:00:00\n  reader: 陈某\n  category: 本机关工作人员\n  escort: 王五\n  copy: {content: 全卷, copies: 1}\n"})
    R("ledger-bad-time", extra={"ledger.yaml": "- at: 明天\n  reader: 陈某\n  category: 本机关工作人员\n  escort: 王五\n"})
    R("ledger-broken-yaml", extra={"ledger.yaml": "- at: [\n"})
    # --- Valid but hostile: must build, with nothing executable in the HTML ---
    xss = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "</title><script>alert(2)</script>",
           "<svg onload=alert(3)>", "{{ 7*7 }}{% raw %}", "'; DROP TABLE cases;--", "\u202eevil\u202c", "<iframe src=http://example.com>",
           "<a href=\"javascript:alert(4)\">x</a>", "<style>body{background:url(http://x/)}</style>", "&lt;script&gt;", "\\u003cscript\\u003e"]
    for i, s in enumerate(xss):
        A(f"xss-title-{i:02d}", title="测试案" + s, party="某某" + s, remarks=s, note=s)
    A("xss-markdown", md={
        "a": "# 标题<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[点我](javascript:alert(1))\n\n![远程](http://example.com/x.png)\n\n<iframe src=\"http://example.com\"></iframe>\n\n<a href=\"http://example.com\" onclick=\"alert(1)\">x</a>\n",
        "b": "| a | b |\n|---|---|\n| <b onmouseover=alert(1)>x</b> | [y](data:text/html,<script>alert(1)</script>) |\n",
        "c": "```html\n<script>alert('code')</script>\n```\n\n<details open ontoggle=alert(1)>x</details>\n",
        "d": "[相对](../../../../etc/passwd) [远程](https://example.com/) [邮件](mailto:a@b.c)\n\n<form action=http://x><input></form>\n",
    })
    js_pdf = pdf(1).replace(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> >>")
    A("pdf-with-javascript", evidence=("ev.pdf", js_pdf))
    img = Image.new("CMYK", (200, 280), (0, 50, 100, 0)); b = io.BytesIO(); img.save(b, "JPEG"); A("jpeg-cmyk", evidence=("ev.jpg", b.getvalue()))
    img = Image.new("I;16", (120, 160)); b = io.BytesIO(); img.save(b, "PNG"); A("png-16bit", evidence=("ev.png", b.getvalue()))
    A("rtl-mark-in-title", title="测试\u200f案\u202b", party="\u2066某某\u2069")
    A("gbk-text-material", yaml_text=t.replace("file: b.md", "file: b.txt"), extra={"b.txt": "立案审批表：同意立案。\n".encode("gbk")})
    A("same-file-twice", yaml_text=t.replace("    file: c.md\n", "    file: b.md\n"))
    print(n, "archives")

if __name__ == "__main__":
    main()
