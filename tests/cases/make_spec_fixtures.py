#!/usr/bin/env python3
"""Spec-conformance archives for `anjuan check`, written strictly from
shared/spec/case-format.md (v1) by someone who did not look at the tool's own fixtures.

    python3 tests/cases/make_spec_fixtures.py

regenerates tests/cases/spec/ from scratch:

  valid/<name>/      archives a careful clerk would write: no errors, known counts
  invalid/<name>/    one defect each (one archive per rule id of spec section 6, some rules
                     more than once), the finding expected at a known file and line
  expected.json      what tests/spec_conformance.rs asserts for every archive

Binaries (PDF, JPEG, PNG, TIFF, MP4, MP3, GBK text) are made here so they are reproducible:
PDFs by hand, images with Pillow, the encrypted PDF with `qpdf --static-id`.
Every binary carries its own label, so no two materials are byte-identical by accident.

Line numbers: a manifest line ending in `  «name»` marks a position; the marker is stripped
when the file is written and its 1-based line number recorded for the expectations.
"""

import io
import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
OUT = HERE / "spec"

MARKS = {}  # (root-relative file) -> {mark: line}


# ---------------------------------------------------------------------------- binary makers


def pdf(pages, label):
    """A small, well-formed PDF with `pages` A4 pages (hand-written objects and xref)."""
    objs = {}
    n = pages
    kids = [4 + 2 * i for i in range(n)]
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = ("<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join("%d 0 R" % k for k in kids), n)).encode()
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    for i in range(n):
        page, content = 4 + 2 * i, 5 + 2 * i
        objs[page] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content
        ).encode()
        text = ("BT /F1 20 Tf 72 760 Td (%s - page %d of %d) Tj ET" % (label, i + 1, n)).encode()
        objs[content] = b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for k in sorted(objs):
        offsets[k] = len(out)
        out += b"%d 0 obj\n" % k + objs[k] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for k in range(1, size):
        out += b"%010d 00000 n \n" % offsets[k]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def encrypted_pdf(label):
    """A real encrypted PDF (RC4-128, user password "u"): deterministic with --static-id
    (AES would salt it randomly)."""
    src = OUT / ".tmp-plain.pdf"
    dst = OUT / ".tmp-enc.pdf"
    src.write_bytes(pdf(1, label))
    subprocess.run(
        ["qpdf", "--static-id", "--allow-weak-crypto", "--encrypt", "u", "o", "128", "--use-aes=n", "--", str(src), str(dst)],
        check=True,
    )
    data = dst.read_bytes()
    src.unlink()
    dst.unlink()
    return data


def image(fmt, label, size=(60, 84), color=(235, 235, 225)):
    img = Image.new("RGB", size, color)
    d = ImageDraw.Draw(img)
    d.rectangle([2, 2, size[0] - 3, size[1] - 3], outline=(40, 40, 40))
    d.text((5, 5), label[:9], fill=(0, 0, 0))
    d.text((5, 20), label[9:18], fill=(0, 0, 0))
    buf = io.BytesIO()
    if fmt == "JPEG":
        img.save(buf, "JPEG", quality=80)
    elif fmt == "TIFF":
        img.save(buf, "TIFF")
    else:
        img.save(buf, fmt)
    return buf.getvalue()


def jpg(label, **kw):
    return image("JPEG", label, **kw)


def png(label, **kw):
    return image("PNG", label, **kw)


def tif(label, **kw):
    return image("TIFF", label, **kw)


def box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(label):
    """ftyp + moov(mvhd) + free(label) + empty mdat: a well-formed ISO BMFF file."""
    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2mp41")
    mvhd = box(
        b"mvhd",
        struct.pack(">I", 0)  # version + flags
        + struct.pack(">IIII", 0, 0, 1000, 35 * 60 * 1000)  # created, modified, timescale, duration
        + struct.pack(">IH", 0x00010000, 0x0100)  # rate, volume
        + b"\0" * 10
        + struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)  # matrix
        + b"\0" * 24
        + struct.pack(">I", 2),  # next track id
    )
    return ftyp + box(b"moov", mvhd) + box(b"free", label.encode()) + box(b"mdat", b"")


def mp3(label):
    """ID3v2.3 tag (TIT2 = label) followed by silent MPEG-1 Layer III frames."""
    title = b"\x00" + label.encode("latin-1")
    frame = b"TIT2" + struct.pack(">I", len(title)) + b"\0\0" + title
    size = len(frame)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    id3 = b"ID3\x03\x00\x00" + syncsafe + frame
    mpeg = (b"\xff\xfb\x90\x64" + b"\0" * 413) * 12  # 128 kbit/s, 44.1 kHz, 417-byte frames
    return id3 + mpeg


def md(title, body="本页为测试材料，内容从略。"):
    return ("# %s\n\n%s\n" % (title, body)).encode()


# ---------------------------------------------------------------------------- writing


def write(root, rel, data):
    """Write a file under `root`; text with «marks» gets them stripped and their lines recorded."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        lines = data.split("\n")
        marks = {}
        for i, line in enumerate(lines):
            while "«" in line:
                a = line.index("«")
                b = line.index("»", a)
                marks[line[a + 1 : b]] = i + 1
                line = (line[:a] + line[b + 1 :]).rstrip()
            lines[i] = line
        key = str(path.relative_to(OUT))
        MARKS[key] = marks
        path.write_text("\n".join(lines), encoding="utf-8")
    else:
        path.write_bytes(data)


def mark(root, rel, name):
    return MARKS[str((root / rel).relative_to(OUT))][name]


# ---------------------------------------------------------------------------- archive.yaml

ARCHIVE_YAML = """\
fonds: "J012"
fonds_name: 任丘市市场监督管理局
agency: 任丘市市场监督管理局
max_volume_pages: 200
language: zh-CN
"""

# ---------------------------------------------------------------------------- penalty-ordinary

# (type, file, date, extra yaml lines) in the spec's canonical order (section 5), with a
# 送达回证 attached after the 事先告知书 as section 5 allows ("a 送达回证 follows each document
# that was served").
def ordinary_materials(rich):
    """Materials of the full 普通程序 case. rich=True: every file kind (valid archive);
    rich=False: mostly Markdown (base of the invalid archives, fewer warnings to reason about)."""
    m = []
    add = lambda *a: m.append(a)
    add("案件来源登记表", "01-案件来源登记表.md", "2024-02-28", ["pages: 1"] if rich else [])
    add("立案审批表", "02-立案审批表.pdf", "2024-03-01",
        ['title: 立案审批表', 'doc_no: ""', "author: 任丘市市场监督管理局", "pages: 2  «pages»"])
    if rich:
        add("询问笔录", "03-询问笔录.txt", "2024-03-02", ["pages: 1"])
        add("现场检查笔录", "04-现场检查笔录.txt", "2024-03-02", ["note: 原件为 GBK 编码文本"])
        add("现场照片", None, "2024-03-02", ["files: [photos/*.jpg]", "pages: 2"])
    else:
        add("询问笔录", "03-询问笔录.md", "2024-03-02", [])
        add("现场检查笔录", "04-现场检查笔录.md", "2024-03-02", [])
        add("现场照片", None, "2024-03-02", ["files: [photos/*.jpg]"])
    add("执法记录仪视频", "av/2024-03-02-现场检查.mp4", "2024-03-02", [
        "av:  «av»",
        "  matter: 现场检查",
        "  start: 2024-03-02T09:30:00" + ("" if rich else "+08:00"),
        "  end: 2024-03-02T10:05:00" + ("" if rich else "+08:00"),
        "  place: 任丘市某某路 12 号某某超市  «place»",
        "  method: 执法记录仪",
        "  officers: [张三, 李四]",
        "  retention: 同案卷",
    ])
    if rich:
        add("当事人身份证明", "07-营业执照.png", "2024-03-02", ["confidential: [商业秘密]"])
        add("证据材料", "08-进货单.tif", "2024-03-05", ["note: 复印件"])
    else:
        add("当事人身份证明", "07-营业执照.md", "2024-03-02", [])
        add("证据材料", "08-进货单.md", "2024-03-05", [])
    add("案件调查终结报告", "09-案件调查终结报告.md", "2024-03-15", ["pages: 1"] if rich else [])
    add("法制审核意见书", "10-法制审核意见书.md", "2024-03-16", [])
    add("集体讨论记录", "11-集体讨论记录.md", "2024-03-18", [])
    add("行政处罚事先告知书", "12-行政处罚事先告知书.pdf" if rich else "12-行政处罚事先告知书.md", "2024-03-20",
        ["doc_no: 任市监罚告〔2024〕12号"])
    add("送达回证", "12a-送达回证（告知书）.jpg" if rich else "12a-送达回证（告知书）.md", "2024-03-21", [])
    add("陈述申辩笔录", "13-陈述申辩笔录.md", "2024-03-22", [])
    add("听证通知书", "14-听证通知书.md", "2024-03-25", [])
    add("听证笔录", "15-听证笔录.md", "2024-04-02", [])
    add("行政处罚决定审批表", "16-行政处罚决定审批表.md", "2024-04-08", [])
    add("行政处罚决定书", "17-行政处罚决定书.pdf" if rich else "17-行政处罚决定书.md", "2024-04-10",
        ["doc_no: 任市监罚〔2024〕12号"])
    add("送达回证", "18-送达回证.jpg" if rich else "18-送达回证.md", "2024-04-11", [])
    add("罚没款缴款凭证", "19-罚没款缴款凭证.jpg" if rich else "19-罚没款缴款凭证.md", "2024-04-20", [])
    add("结案报告", "20-结案报告.md", "2024-05-06", [])
    if rich:
        # declare pages: 1 on every short text material so the page total is exact
        m = [(t, f, d, e if (f is None or not f.endswith((".md", ".txt")) or any(x.startswith("pages") for x in e))
              else e + ["pages: 1"]) for (t, f, d, e) in m]
    return m


def materials_yaml(mats):
    out = ["materials:  «materials»"]
    for i, (typ, file, date, extra) in enumerate(mats):
        out.append("  - type: %s  «type%d»" % (typ, i))
        if file is not None:
            out.append("    file: %s  «file%d»" % (file, i))
        out.append("    date: %s  «date%d»" % (date, i))
        for e in extra:
            if "«" in e:
                a = e.index("«")
                e = e[:a] + "«" + e[a + 1 : e.index("»")] + "%d»" % i
            out.append("    " + e)
    return "\n".join(out) + "\n"


def ordinary_case_yaml(mats, filed_on="2024-06-05", status="已结案", closed="2024-05-06", extra_case=""):
    closed_line = "  closed: %s  «closed»\n" % closed if closed else ""
    return (
        "case:  «case»\n"
        "  id: 2024-0012\n"
        "  number: 任市监立〔2024〕12号  «number»\n"
        "  title: 任丘市某某超市销售过期食品案  «title»\n"
        "  kind: 行政处罚  «kind»\n"
        "  procedure: 普通程序  «procedure»\n"
        "  profile: penalty-ordinary\n"
        "  party: 任丘市某某超市\n"
        "  agency: 任丘市市场监督管理局\n"
        "  handlers: [张三, 李四]\n"
        "  decision_no: 任市监罚〔2024〕12号\n"
        "  opened: 2024-03-01  «opened»\n"
        "  decided: 2024-04-10  «decided»\n"
        + closed_line
        + "  status: %s  «status»\n" % status
        + extra_case
        + "  facts:\n"
        "    hearing: true  «hearing»\n"
        "archive:  «archive»\n"
        "  catalog: XZCF-2024\n"
        '  volume_no: "0012"\n'
        '  filing_no: "20240012"\n'
        "  retention: 永久\n"
        "  secrecy: 无\n"
        "  filed_by: 王五\n"
        "  checked_by: 赵六\n"
        "  filed_on: %s  «filed_on»\n" % filed_on
        + "  remarks: 卷内照片 2 张，执法记录仪视频 1 段另存。\n"
        + materials_yaml(mats)
    )


GBK_TEXT = "现场检查笔录\n\n检查时间：2024年3月2日9时30分至10时05分\n检查地点：任丘市某某路12号某某超市\n检查人员：张三、李四\n\n现场发现货架上有过期食品若干。\n"


def material_files(root, case_dir, mats, rich):
    """Write every file the materials list (one distinct content per file)."""
    for i, (typ, file, date, extra) in enumerate(mats):
        label = "%s-%02d" % (case_dir.name if case_dir.name.isascii() else "case", i)
        if file is None:
            # the glob materials: photos/*.jpg, two photos, listed out of name order on disk
            for n in ("p2", "p1"):
                write(root, case_dir / "photos" / ("现场-%s.jpg" % n), jpg("photo-" + n + "-" + label))
            continue
        rel = case_dir / file
        ext = file.rsplit(".", 1)[1]
        if ext == "md":
            data = md(typ, "（%s）本页为测试材料，内容从略。" % file)
        elif ext == "txt":
            if "现场检查笔录" in file:
                data = GBK_TEXT.encode("gbk")
            else:
                data = ("询问笔录\n\n询问时间：2024年3月2日\n被询问人：某某\n\n问：你店是否销售过期食品？\n答：是。\n").encode()
        elif ext == "pdf":
            pages = 2 if "立案审批表" in file else 1
            data = pdf(pages, "%s %s" % (label, ext))
        elif ext in ("jpg", "jpeg"):
            data = jpg(label)
        elif ext == "png":
            data = png(label)
        elif ext in ("tif", "tiff"):
            data = tif(label)
        elif ext == "mp4":
            data = mp4(label)
        elif ext == "mp3":
            data = mp3(label)
        else:
            raise ValueError(file)
        write(root, rel, data)


# ---------------------------------------------------------------------------- ledger

LEDGER_VALID = """\
- at: 2024-06-20T09:00:00+08:00
  until: 2024-06-20T10:10:00+08:00
  reader: 陈某
  category: 代理律师
  organization: 某某律师事务所
  id_document: 律师执业证 13101201xxxx
  credentials: [法院立案通知书, 授权委托书, 律师执业证]
  purpose: 行政诉讼
  scope: 结论性文件
  escort: 王五
  copy:
    content: 行政处罚决定书（第 25-27 页）
    copies: 1
    approved_by: 孙七
    approved_on: 2024-06-19
  remarks: ""
- at: 2024-07-01T14:00:00
  reader: 刘某
  category: 有关机关
  organization: 任丘市人民检察院
  id_document: 工作证 0123
  credentials: [介绍信, 工作证]
  purpose: 行政检察监督
  scope: 全卷
  escort: 王五
- at: 2024-07-02T15:00:00+08:00
  until: 2024-07-02T15:30:00+08:00
  reader: 钱某
  category: 本机关工作人员
  organization: 任丘市市场监督管理局法规科
  scope: 正卷
  escort: 王五
"""


# ---------------------------------------------------------------------------- expectations

EXPECTED = {"valid": [], "invalid": []}


def expect_valid(name, volumes, cases, materials, pages, warnings=(), note=""):
    """pages: an int (exact) or [min, max] when Markdown typesetting makes it uncertain.
    warnings: [(rule or None, text)]: exactly these warnings, each naming `text` in its file or
    message (the spec names no rule id for the GBK conversion warning)."""
    EXPECTED["valid"].append({
        "root": "valid/" + name,
        "summary": {"volumes": volumes, "cases": cases, "materials": materials,
                    "pages": pages if isinstance(pages, list) else [pages, pages]},
        "warnings": [{"rule": r, "mentions": f} for r, f in warnings],
        "note": note,
    })


def expect_invalid(name, rule, severity, file, line, also=(), note=""):
    """also: other rules allowed in the findings (consequences of the same defect)."""
    EXPECTED["invalid"].append({
        "root": "invalid/" + name,
        "rule": rule,
        "severity": severity,
        "file": file,
        "line": line,
        "exit": 1 if severity == "error" else 0,
        "also": list(also),
        "note": note,
    })


# ---------------------------------------------------------------------------- valid archives


def valid_penalty_ordinary():
    """All 20 canonical 普通程序 types, every file kind, GBK text, ledger, decoy folders."""
    root = OUT / "valid" / "penalty-ordinary"
    write(root, "archive.yaml", ARCHIVE_YAML)
    case = Path("处罚/2024/2024-0012")
    mats = ordinary_materials(rich=True)
    write(root, case / "case.yaml", ordinary_case_yaml(mats))
    material_files(root, case, mats, rich=True)
    write(root, case / "ledger.yaml", LEDGER_VALID)
    # ignored folders (spec section 1): broken manifests there must not be read
    write(root, "_site/index.html", "<html></html>\n")
    write(root, "_草稿/case.yaml", "case: [unclosed\n")
    write(root, ".trash/old/case.yaml", "case: [unclosed\n")
    write(root, case / "_scan-originals/raw.bin", b"\x00\x01 not a material, ignored folder")
    # 02 pdf 2 + photos 2 + AV metadata page 1 + png 1 + tif 1 + 2 one-page pdf + 3 jpg
    # + 11 Markdown/text materials declaring pages: 1
    pages = 2 + 2 + 1 + 1 + 1 + 2 + 3 + 11
    expect_valid("penalty-ordinary", 1, 1, 21, pages,
                 warnings=[(None, "04-现场检查笔录.txt")],
                 note="21 materials: the 20 canonical types + a 2nd 送达回证 after the 事先告知书")


def simple_case(root, case_dir, number, decided, closed, party, with_archive, exts=("jpg", "png", "tif")):
    label = case_dir.name if case_dir.name.isascii() else number[-5:-1]
    archive = ""
    if with_archive:
        archive = (
            "archive:\n"
            "  catalog: XZCF-JY-2024\n"
            '  volume_no: "0101"\n'
            '  filing_no: "20240101"\n'
            "  filed_by: 王五\n"
            "  checked_by: 赵六\n"
            "  filed_on: %s\n" % with_archive
        )
    j, p, t = exts
    y = (
        "case:\n"
        "  number: %s\n" % number
        + "  title: %s违反规定摆摊经营案\n" % party
        + "  kind: 行政处罚\n"
        "  procedure: 简易程序  «procedure»\n"
        "  party: %s\n" % party
        + "  handlers: [张三, 李四]\n"
        "  decision_no: %s\n" % number
        + "  opened: %s\n" % decided
        + "  decided: %s\n" % decided
        + "  closed: %s\n" % closed
        + "  status: 已结案\n"
        + archive
        + "materials:\n"
        "  - type: 当场行政处罚决定书\n"
        "    file: 决定书.%s\n" % j
        + "    date: %s\n" % decided
        + "  - type: 现场照片\n"
        "    files: [照片/*.%s]\n" % p
        + "    date: %s\n" % decided
        + "  - type: 执法记录仪视频\n"
        "    file: 执法记录.mp4\n"
        "    date: %s\n" % decided
        + "    av:\n"
        "      matter: 当场处罚\n"
        "      start: %sT10:00:00+08:00\n" % decided
        + "      end: %sT10:12:00+08:00\n" % decided
        + "      place: 任丘市某某街\n"
        "      method: 执法记录仪\n"
        "      officers: [张三, 李四]\n"
        "      retention: 同案卷\n"
        "  - type: 罚没款缴款凭证\n"
        "    file: 缴款凭证.%s\n" % t
        + "    date: %s\n" % closed
        + "  - type: 备案登记表\n"
        "    file: 备案登记表.md\n"
        "    date: %s\n" % closed
        + "    pages: 1\n"
    )
    write(root, case_dir / "case.yaml", y)
    write(root, case_dir / ("决定书." + j), jpg("dec-" + label))
    for n in ("1", "2"):
        write(root, case_dir / "照片" / ("%s.%s" % (n, p)), image("PNG" if p == "png" else "JPEG", "ph%s-%s" % (n, label)))
    write(root, case_dir / "执法记录.mp4", mp4("simple-" + label))
    write(root, case_dir / ("缴款凭证." + t), tif("pay-" + label))
    write(root, case_dir / "备案登记表.md", md("当场处罚备案登记表", "当事人：%s。" % party))
    return 1 + 2 + 1 + 1 + 1  # pages: decision, 2 photos, av page, receipt, md (declared 1)


VOLUME_YAML = """\
title: 任丘市市场监督管理局2024年简易程序行政处罚案卷（第1卷）
catalog: XZCF-JY-2024
volume_no: "0001"
filing_no: "20240001"
retention: 30年
secrecy: 无
filed_by: 王五
checked_by: 赵六
filed_on: %s  «filed_on»
remarks: 本卷合订简易程序案件 3 件，按决定时间排序。
"""


def combined_volume(root, vol, filed_on):
    """Three 简易程序 cases at different depths; folder order a, b, c is not decision order
    (c 05-01, then b and a both 05-02: b first by case number)."""
    write(root, vol / "volume.yaml", VOLUME_YAML % filed_on)
    pages = 0
    pages += simple_case(root, vol / "a-zhao", "任市监简罚〔2024〕0007号", "2024-05-02", "2024-05-09", "赵某", None)
    pages += simple_case(root, vol / "b-qian", "任市监简罚〔2024〕0005号", "2024-05-02", "2024-05-08", "钱某", None)
    pages += simple_case(root, vol / "2024年5月" / "上旬" / "c-sun", "任市监简罚〔2024〕0003号", "2024-05-01",
                         "2024-05-06", "孙某", None)
    return pages


def valid_penalty_simple():
    root = OUT / "valid" / "penalty-simple-combined"
    write(root, "archive.yaml", ARCHIVE_YAML)
    vol = Path("简易程序/2024-第1卷")
    pages = combined_volume(root, vol, "2024-06-05")  # 30 days after the earliest closed (05-06)
    write(root, vol / "ledger.yaml",
          "- at: 2024-06-10T09:00:00+08:00\n  until: 2024-06-10T09:30:00+08:00\n  reader: 钱某\n"
          "  category: 本机关工作人员\n  scope: 全卷\n  escort: 王五\n")
    # a 简易程序 case not below a volume.yaml is a volume of its own; .jpeg / .tiff spellings
    pages += simple_case(root, Path("简易程序/单独/li"), "任市监简罚〔2024〕0011号", "2024-05-20", "2024-05-21",
                         "李某", "2024-06-20", exts=("jpeg", "jpg", "tiff"))
    expect_valid("penalty-simple-combined", 2, 4, 20, pages,
                 note="1 combined volume of 3 cases at depths 1 and 3 below volume.yaml + 1 single simple case; "
                      "every Markdown file declares pages: 1, AV = 1 metadata page each")


def generic_case(root, case_dir, head, mats, files):
    """head: yaml text of case (+archive); mats: [(type, file|None, date, extra)]; files: {rel: bytes}."""
    write(root, case_dir / "case.yaml", head + materials_yaml(mats))
    for rel, data in files.items():
        write(root, case_dir / rel, data)


def valid_licensing():
    root = OUT / "valid" / "licensing"
    case = Path("许可/2024/食品经营/XK-2024-031")
    head = (
        "case:\n"
        "  number: 任市监许〔2024〕31号\n"
        "  title: 任丘市某某餐馆食品经营许可案\n"
        "  kind: 行政许可\n"
        "  party: 任丘市某某餐馆\n"
        "  handlers: [张三, 李四]\n"
        "  decision_no: 任市监准许〔2024〕31号\n"
        "  opened: 2024-04-01\n"
        "  decided: 2024-04-15\n"
        "  closed: 2024-04-18\n"
        "  status: 已结案\n"
        "archive:\n"
        "  catalog: XZXK-2024\n"
        '  volume_no: "0031"\n'
        '  filing_no: "20240031"\n'
        "  filed_by: 王五\n"
        "  checked_by: 赵六\n"
        "  filed_on: 2024-05-10\n"
    )
    mats = [
        ("申请书", "01-申请书.pdf", "2024-03-30", ["title: 食品经营许可申请书", "pages: 1"]),  # alias
        ("申请材料", None, "2024-03-30", ["files: [申请材料/*.png]"]),
        ("受理通知书", "03-受理通知书.md", "2024-04-01", ["pages: 1"]),
        ("现场核查笔录", "04-现场核查笔录.md", "2024-04-08", ["pages: 1"]),
        ("照片", "05-核查照片.jpg", "2024-04-08", []),  # alias of 现场照片
        ("录音资料", "06-核查录音.mp3", "2024-04-08", [
            "av:", "  matter: 现场核查", "  start: 2024-04-08T14:00:00", "  place: 任丘市某某路 8 号",
            "  method: 录音笔", "  officers: [张三, 李四]"]),
        ("行政许可决定审批表", "07-许可决定审批表.md", "2024-04-14", ["pages: 1"]),
        ("准予行政许可决定书", "08-准予行政许可决定书.pdf", "2024-04-15", ["doc_no: 任市监准许〔2024〕31号"]),
        ("许可证件", "09-食品经营许可证.jpg", "2024-04-15", ["note: 复印件"]),
        ("送达回证", "10-送达回证.jpg", "2024-04-18", []),
    ]
    files = {
        "01-申请书.pdf": pdf(1, "XK031 application"),
        "申请材料/01-营业执照.png": png("lic-a"),
        "申请材料/02-场地平面图.png": png("lic-b", color=(220, 235, 240)),
        "申请材料/03-健康证明.png": png("lic-c", color=(240, 220, 220)),
        "03-受理通知书.md": md("受理通知书"),
        "04-现场核查笔录.md": md("现场核查笔录"),
        "05-核查照片.jpg": jpg("lic-photo"),
        "06-核查录音.mp3": mp3("licensing verification"),
        "07-许可决定审批表.md": md("行政许可决定审批表"),
        "08-准予行政许可决定书.pdf": pdf(1, "XK031 decision"),
        "09-食品经营许可证.jpg": jpg("lic-cert"),
        "10-送达回证.jpg": jpg("lic-serv"),
    }
    generic_case(root, case, head, mats, files)
    pages = 1 + 3 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1
    expect_valid("licensing", 1, 1, 10, pages, note="case 4 levels deep; aliases 申请书, 照片; mp3 录音资料 with av, time without offset")


def valid_coercion_measure():
    root = OUT / "valid" / "coercion-measure"
    case = Path("强制/QZ-2024-005")
    head = (
        "case:\n"
        "  number: 任市监强〔2024〕5号\n"
        "  title: 任丘市某某仓库涉嫌储存假冒商品查封扣押案\n"
        "  kind: 行政强制\n"
        "  procedure: 行政强制措施\n"
        "  party: 任丘市某某仓库\n"
        "  handlers: [张三, 李四]\n"
        "  decision_no: 任市监扣〔2024〕5号\n"
        "  opened: 2024-02-01\n"
        "  decided: 2024-02-01\n"
        "  closed: 2024-03-01\n"
        "  status: 已结案\n"
        "archive:\n"
        "  catalog: XZQZ-2024\n"
        '  volume_no: "0005"\n'
        '  filing_no: "20240005"\n'
        "  retention: 30年\n"
        "  filed_by: 王五\n"
        "  checked_by: 赵六\n"
        "  filed_on: 2024-03-20\n"
    )
    mats = [
        ("实施行政强制措施审批表", "01-审批表.md", "2024-02-01", ["pages: 1"]),
        ("现场笔录", "02-现场笔录.pdf", "2024-02-01", ["pages: 2"]),
        ("现场照片", None, "2024-02-01", ["files: [照片/*.jpg]"]),
        ("执法记录仪视频", "04-执法记录.mp4", "2024-02-01", [
            "av:", "  matter: 查封扣押", "  start: 2024-02-01T09:00:00", "  end: 2024-02-01T11:00:00",
            "  place: 任丘市某某仓库", "  method: 执法记录仪", "  officers: [张三, 李四]", "  retention: 同案卷"]),
        ("查封扣押决定书", "05-查封扣押决定书.pdf", "2024-02-01", []),
        ("查封扣押物品清单", "06-清单.jpg", "2024-02-01", []),
        ("送达回证", "07-送达回证.jpg", "2024-02-01", []),
        ("解除查封扣押决定书", "08-解除决定书.pdf", "2024-03-01", []),
        ("送达回证", "09-送达回证.jpg", "2024-03-01", []),
        ("退还物品清单", "10-退还清单.png", "2024-03-01", []),
    ]
    files = {
        "01-审批表.md": md("实施行政强制措施审批表"),
        "02-现场笔录.pdf": pdf(2, "QZ005 record"),
        "照片/01.jpg": jpg("qz-ph1"),
        "照片/02.jpg": jpg("qz-ph2"),
        "照片/03.jpg": jpg("qz-ph3"),
        "04-执法记录.mp4": mp4("coercion measure"),
        "05-查封扣押决定书.pdf": pdf(1, "QZ005 decision"),
        "06-清单.jpg": jpg("qz-list"),
        "07-送达回证.jpg": jpg("qz-serv1"),
        "08-解除决定书.pdf": pdf(1, "QZ005 release"),
        "09-送达回证.jpg": jpg("qz-serv2"),
        "10-退还清单.png": png("qz-return"),
    }
    generic_case(root, case, head, mats, files)
    pages = 1 + 2 + 3 + 1 + 1 + 1 + 1 + 1 + 1 + 1
    expect_valid("coercion-measure", 1, 1, 10, pages,
                 note="profile chosen from kind 行政强制 + procedure 行政强制措施 (spec section 5 wording)")


def valid_coercion_enforcement():
    root = OUT / "valid" / "coercion-enforcement"
    case = Path("强制执行/ZX-2024-002")
    head = (
        "case:\n"
        "  number: 任市监强执〔2024〕2号\n"
        "  title: 任丘市某某商店逾期不缴纳罚款强制执行案\n"
        "  kind: 行政强制\n"
        "  procedure: 行政机关强制执行\n"
        "  party: 任丘市某某商店\n"
        "  handlers: [张三, 李四]\n"
        "  decision_no: 任市监强执决〔2024〕2号\n"
        "  opened: 2024-01-10\n"
        "  decided: 2024-02-05\n"
        "  closed: 2024-02-20\n"
        "  status: 已结案\n"
        "archive:\n"
        "  catalog: XZQZ-2024\n"
        '  volume_no: "0102"\n'
        '  filing_no: "20240102"\n'
        "  filed_by: 王五\n"
        "  checked_by: 赵六\n"
        "  filed_on: 2024-03-01\n"
    )
    mats = [
        ("行政决定书", "01-行政处罚决定书.pdf", "2023-11-20", ["title: 行政处罚决定书（复印件）", "note: 复印件"]),
        ("送达回证", "02-送达回证.jpg", "2023-11-21", []),
        ("催告书", "03-催告书.md", "2024-01-10", ["pages: 1"]),
        ("送达回证", "04-送达回证.jpg", "2024-01-11", []),
        ("强制执行决定书", "05-强制执行决定书.pdf", "2024-02-05", []),
        ("送达回证", "06-送达回证.png", "2024-02-06", []),
        ("执行现场笔录", "07-执行现场笔录.md", "2024-02-18", ["pages: 1"]),
        ("执行记录仪视频", "08-执行记录.mp4", "2024-02-18", [
            "av:", "  matter: 强制执行", "  start: 2024-02-18T09:00:00+08:00", "  place: 任丘市某某商店",
            "  method: 执法记录仪", "  officers: [张三, 李四]"]),
        ("结案报告", "09-结案报告.md", "2024-02-20", ["pages: 1"]),
    ]
    files = {
        "01-行政处罚决定书.pdf": pdf(1, "ZX002 original decision"),
        "02-送达回证.jpg": jpg("zx-s1"),
        "03-催告书.md": md("催告书"),
        "04-送达回证.jpg": jpg("zx-s2"),
        "05-强制执行决定书.pdf": pdf(1, "ZX002 enforcement"),
        "06-送达回证.png": png("zx-s3"),
        "07-执行现场笔录.md": md("执行现场笔录"),
        "08-执行记录.mp4": mp4("coercion enforcement"),
        "09-结案报告.md": md("结案报告"),
    }
    generic_case(root, case, head, mats, files)
    expect_valid("coercion-enforcement", 1, 1, 9, 9,
                 note="procedure 行政机关强制执行 as written in spec section 5; decision dated before opened is the "
                      "decision being enforced (a material, not the case's `decided`)")


def valid_inspection():
    root = OUT / "valid" / "inspection"
    write(root, "archive.yaml", ARCHIVE_YAML)
    for n, (party, date) in enumerate([("某某药店", "2024-06-03"), ("某某诊所", "2024-06-04")], start=1):
        case = Path("检查/2024/JC-%03d" % n) if n == 1 else Path("JC-%03d" % n)
        head = (
            "case:\n"
            "  number: 任市监检〔2024〕%d号\n" % n
            + "  title: 任丘市%s日常监督检查\n" % party
            + "  kind: 行政检查\n"
            "  party: 任丘市%s\n" % party
            + "  handlers: [张三, 李四]\n"
            "  opened: %s\n" % date
            + "  closed: %s\n" % date
            + "  status: 已结案\n"
            "archive:\n"
            "  catalog: XZJC-2024\n"
            '  volume_no: "%04d"\n' % n
            + "  filed_by: 王五\n"
            "  filed_on: 2024-06-28\n"
        )
        mats = [
            ("检查任务单", "01-双随机抽取记录.md", "2024-06-01", ["pages: 1"]),
            ("现场检查笔录", "02-现场检查笔录.pdf", date, []),
            ("现场照片", None, date, ["files: [照片/*.jpg]"]),
            ("录音资料", "04-检查录音.mp3", date, [
                "av:", "  matter: 日常监督检查", "  start: %sT10:00:00" % date, "  end: %sT10:40:00" % date,
                "  place: 任丘市%s" % party, "  method: 录音笔", "  officers: [张三, 李四]", "  retention: 10年"]),
            ("检查结果告知书", "05-检查结果告知书.md", date, ["pages: 1"]),
        ]
        files = {
            "01-双随机抽取记录.md": md("双随机抽取记录", "抽取对象：%s。" % party),
            "02-现场检查笔录.pdf": pdf(1, "JC%03d record" % n),
            "照片/a.jpg": jpg("jc%d-a" % n),
            "04-检查录音.mp3": mp3("inspection %d" % n),
            "05-检查结果告知书.md": md("检查结果告知书", "被检查人：%s。" % party),
        }
        generic_case(root, case, head, mats, files)
    expect_valid("inspection", 2, 2, 10, 2 * (1 + 1 + 1 + 1 + 1),
                 note="two one-case volumes at depths 1 and 3; no decided/decision_no (an inspection decides nothing)")


def valid_minimal():
    """Optional keys omitted everywhere: no archive.yaml, no id/profile/agency/decision_no/facts,
    no retention/secrecy/remarks, no material title/author/pages, av without end/retention,
    times without offset."""
    root = OUT / "valid" / "minimal"
    case = Path("2024-0020")
    head = (
        "case:\n"
        "  number: 任市监立〔2024〕20号\n"
        "  title: 任丘市某某副食店销售不合格食品案\n"
        "  kind: 行政处罚\n"
        "  procedure: 普通程序\n"
        "  opened: 2024-07-01\n"
        "  decided: 2024-08-01\n"
        "  closed: 2024-08-10\n"
        "  status: 已结案\n"
        "archive:\n"
        "  filed_on: 2024-08-20\n"
    )
    mats = [
        ("案件来源登记表", "a.md", "2024-07-01", []),
        ("立案审批表", "b.md", "2024-07-01", []),
        ("执法记录仪视频", "c.mp4", "2024-07-02", [
            "av:", "  matter: 现场检查", "  start: 2024-07-02T15:00:00", "  place: 任丘市某某副食店",
            "  method: 执法记录仪", "  officers: [张三, 李四]"]),
        ("案件调查终结报告", "d.md", "2024-07-20", []),
        ("行政处罚事先告知书", "e.md", "2024-07-22", []),
        ("行政处罚决定审批表", "f.md", "2024-07-30", []),
        ("行政处罚决定书", "g.md", "2024-08-01", []),
        ("送达回证", "h.md", "2024-08-02", []),
        ("结案报告", "i.md", "2024-08-10", []),
    ]
    files = {m[1]: (mp4("minimal") if m[1].endswith("mp4") else md(m[0])) for m in mats}
    generic_case(root, case, head, mats, files)
    expect_valid("minimal", 1, 1, 9, [8, 17], note="8 short Markdown files (1-2 pages each) + 1 AV page")


def valid_local_profile():
    """<root>/profiles/*.yaml adds a profile (spec section 1 and 5); a case selects it by id."""
    root = OUT / "valid" / "local-profile"
    write(root, "profiles/penalty-notice.yaml", """\
# 本局自定义：行政处罚（警告，当场）
id: penalty-notice
name: 行政处罚（警告）
kind: 行政处罚
retention: 10年
materials:
  - { name: 警告决定书, required: true, conclusive: true }
  - { name: 送达回证, repeat: true, attach: true }
  - { name: 结案报告, required: true, internal: true }
""")
    case = Path("警告/JG-001")
    head = (
        "case:\n"
        "  number: 任市监警〔2024〕1号\n"
        "  title: 任丘市某某小卖部未亮证经营警告案\n"
        "  kind: 行政处罚\n"
        "  procedure: 简易程序\n"
        "  profile: penalty-notice\n"
        "  opened: 2024-09-02\n"
        "  decided: 2024-09-02\n"
        "  closed: 2024-09-03\n"
        "  status: 已结案\n"
        "archive:\n"
        "  filed_on: 2024-09-10\n"
    )
    mats = [
        ("警告决定书", "警告决定书.jpg", "2024-09-02", []),
        ("送达回证", "送达回证.jpg", "2024-09-02", []),
        ("结案报告", "结案报告.png", "2024-09-03", []),
    ]
    generic_case(root, case, head, mats, {
        "警告决定书.jpg": jpg("jg-dec"), "送达回证.jpg": jpg("jg-serv"), "结案报告.png": png("jg-close")})
    # a local file with a built-in id replaces it: this 行政检查 profile adds 检查方案 first
    write(root, "profiles/inspection.yaml", """\
id: inspection
name: 行政检查（本局）
kind: 行政检查
retention: 10年
materials:
  - { name: 检查方案, required: true }
  - { name: 现场检查笔录, aliases: [检查单], repeat: true, required: true }
  - { name: 检查结果告知书, conclusive: true }
""")
    head = (
        "case:\n"
        "  number: 任市监检〔2024〕9号\n"
        "  title: 任丘市某某加油站安全检查\n"
        "  kind: 行政检查\n"
        "  opened: 2024-09-05\n"
        "  closed: 2024-09-05\n"
        "  status: 已结案\n"
        "archive:\n"
        "  filed_on: 2024-09-10\n"
    )
    generic_case(root, Path("检查/JC-009"), head, [
        ("检查方案", "方案.pdf", "2024-09-01", []),
        ("检查单", "检查单.jpg", "2024-09-05", []),
        ("检查结果告知书", "告知书.jpg", "2024-09-05", []),
    ], {"方案.pdf": pdf(1, "JC009 plan"), "检查单.jpg": jpg("jc9-list"), "告知书.jpg": jpg("jc9-notice")})
    expect_valid("local-profile", 2, 2, 6, 6,
                 note="profiles/penalty-notice.yaml adds a profile; profiles/inspection.yaml overrides the built-in one")


# ---------------------------------------------------------------------------- invalid archives

BASE_CASE = Path("2024-0012")


def base(name, mats=None, mutate=None, archive_yaml=ARCHIVE_YAML, **kw):
    """The full 普通程序 case (Markdown-heavy), optionally with its YAML text mutated.
    Returns (root, case_dir, mats)."""
    root = OUT / "invalid" / name
    if archive_yaml is not None:
        write(root, "archive.yaml", archive_yaml)
    mats = mats if mats is not None else ordinary_materials(rich=False)
    text = ordinary_case_yaml(mats, **kw)
    if mutate:
        text = mutate(text)
    write(root, BASE_CASE / "case.yaml", text)
    material_files(root, BASE_CASE, mats, rich=False)
    return root, BASE_CASE, mats


def idx(mats, typ, nth=0):
    return [i for i, m in enumerate(mats) if m[0] == typ][nth]


def cy(root):
    return str(BASE_CASE / "case.yaml")


def line(root, name, rel=None):
    return mark(root, rel or (BASE_CASE / "case.yaml"), name)


def invalid_all():
    # --- yaml
    root, _, _ = base("yaml", mutate=lambda t: t.replace("  title: 任丘市某某超市销售过期食品案  «title»",
                                                         "  title: 任丘市某某超市: 销售过期食品案  «title»"))
    expect_invalid("yaml", "yaml", "error", cy(root), line(root, "title"),
                   note="`: ` inside a plain scalar: mapping values are not allowed here")

    root, case, _ = base("yaml-ledger")
    write(root, case / "ledger.yaml", "- at: 2024-06-20T09:00:00+08:00\n  reader: 陈某\n  category: [代理律师  «bad»\n  escort: 王五\n")
    expect_invalid("yaml-ledger", "yaml", "error", str(case / "ledger.yaml"), None,
                   note="unclosed flow sequence in ledger.yaml (line where the parser notices: not asserted)")

    # --- schema
    root, _, _ = base("schema", mutate=lambda t: t.replace("  kind: 行政处罚  «kind»", "  kind: 行政处分  «kind»"))
    expect_invalid("schema", "schema", "error", cy(root), line(root, "kind"), note="unknown value of kind")

    root, _, _ = base("schema-missing-number", mutate=lambda t: t.replace("  number: 任市监立〔2024〕12号  «number»\n", ""))
    expect_invalid("schema-missing-number", "schema", "error", cy(root), None,
                   note="required case.number absent: at the `case:` key or the first line of its block")
    EXPECTED["invalid"][-1]["lines"] = [line(root, "case"), line(root, "case") + 1]

    mats = ordinary_materials(rich=False)
    root, _, _ = base("schema-wrong-type", mats=mats,
                      mutate=lambda t: t.replace("pages: 2  «pages1»", "pages: 两页  «pages1»"))
    expect_invalid("schema-wrong-type", "schema", "error", cy(root), line(root, "pages1"), note="pages is not a number")

    root, _, _ = base("schema-bad-date", mutate=lambda t: t.replace("  opened: 2024-03-01  «opened»", "  opened: 2024-02-30  «opened»"))
    expect_invalid("schema-bad-date", "schema", "error", cy(root), line(root, "opened"), note="2024-02-30 does not exist")

    mats = ordinary_materials(rich=False)
    i = idx(mats, "立案审批表")
    root, _, _ = base("schema-file-and-files", mats=mats,
                      mutate=lambda t: t.replace("    date: 2024-03-01  «date%d»" % i,
                                                 "    files: [02-*.md]  «files»\n    date: 2024-03-01  «date%d»" % i))
    write(root, BASE_CASE / "02-立案审批表-附页.md", md("附页"))
    expect_invalid("schema-file-and-files", "schema", "error", cy(root), None,
                   also=["unlisted-file"],
                   note="exactly one of file/files: line of type, file or files accepted")
    EXPECTED["invalid"][-1]["lines"] = [line(root, "type%d" % i), line(root, "file%d" % i), line(root, "files")]

    root, _, _ = base("schema-unknown-key", archive_yaml=ARCHIVE_YAML + "fonds_code: J012  «x»\n")
    expect_invalid("schema-unknown-key", "schema", "warning", "archive.yaml", mark(root, "archive.yaml", "x"),
                   note="unknown key in archive.yaml: a warning (spec section 2)")

    root, _, _ = base("schema-unknown-key-case", mutate=lambda t: t.replace("  party: 任丘市某某超市\n", "  party: 任丘市某某超市\n  judge: 某某  «x»\n"))
    expect_invalid("schema-unknown-key-case", "schema", "warning", cy(root), line(root, "x"))

    # --- path-escape
    mats = ordinary_materials(rich=False)
    i = idx(mats, "立案审批表")
    root, _, _ = base("path-escape", mats=mats,
                      mutate=lambda t: t.replace("file: 02-立案审批表.pdf", "file: ../共享/02-立案审批表.pdf"))
    (root / BASE_CASE / "02-立案审批表.pdf").rename(root / "共享-tmp.pdf")
    (root / "共享").mkdir()
    (root / "共享-tmp.pdf").rename(root / "共享" / "02-立案审批表.pdf")
    expect_invalid("path-escape", "path-escape", "error", cy(root), line(root, "file%d" % i),
                   note="`..` out of the case folder to a file that exists")

    mats = ordinary_materials(rich=False)
    root, _, _ = base("path-escape-absolute", mats=mats,
                      mutate=lambda t: t.replace("file: 02-立案审批表.pdf", "file: /etc/hostname"))
    os.remove(root / BASE_CASE / "02-立案审批表.pdf")
    expect_invalid("path-escape-absolute", "path-escape", "error", cy(root), line(root, "file%d" % i))

    mats = ordinary_materials(rich=False)
    root, _, _ = base("path-escape-symlink", mats=mats)
    p = root / BASE_CASE / "02-立案审批表.pdf"
    (root / "外部").mkdir()
    p.rename(root / "外部" / "立案审批表.pdf")
    os.symlink("../外部/立案审批表.pdf", p)
    expect_invalid("path-escape-symlink", "path-escape", "error", cy(root), line(root, "file%d" % i),
                   note="the listed file is a symlink pointing out of the case folder")

    # --- file-missing
    mats = ordinary_materials(rich=False)
    i = idx(mats, "立案审批表")
    root, _, _ = base("file-missing", mats=mats)
    os.remove(root / BASE_CASE / "02-立案审批表.pdf")
    expect_invalid("file-missing", "file-missing", "error", cy(root), line(root, "file%d" % i))

    mats = ordinary_materials(rich=False)
    root, _, _ = base("file-missing-glob", mats=mats)
    shutil.rmtree(root / BASE_CASE / "photos")
    i = idx(mats, "现场照片")
    expect_invalid("file-missing-glob", "file-missing", "error", cy(root), None,
                   note="files: [photos/*.jpg] matches nothing: at the `files:` line (type, date, files)")
    EXPECTED["invalid"][-1]["line"] = line(root, "type%d" % i) + 2

    # --- file-type
    mats = ordinary_materials(rich=False)
    i = idx(mats, "证据材料")
    root, _, _ = base("file-type", mats=mats, mutate=lambda t: t.replace("08-进货单.md", "08-进货单.docx"))
    os.remove(root / BASE_CASE / "08-进货单.md")
    write(root, BASE_CASE / "08-进货单.docx", b"PK\x03\x04" + b"\0" * 60)
    expect_invalid("file-type", "file-type", "error", cy(root), line(root, "file%d" % i), note="unsupported extension .docx")

    for name, data, note in [
        ("file-type-fake-pdf", "这不是 PDF，是改了扩展名的文本。\n".encode(), "a .pdf that is not a PDF"),
        ("file-type-encrypted-pdf", None, "an encrypted PDF"),
        ("file-type-truncated-pdf", pdf(2, "truncated")[:300], "a PDF cut off after 300 bytes"),
    ]:
        mats = ordinary_materials(rich=False)
        i = idx(mats, "立案审批表")
        root, _, _ = base(name, mats=mats)
        write(root, BASE_CASE / "02-立案审批表.pdf", data if data is not None else encrypted_pdf("encrypted"))
        expect_invalid(name, "file-type", "error", cy(root), line(root, "file%d" % i), note=note,
                       also=["pages-mismatch"])

    mats = ordinary_materials(rich=False)
    i = idx(mats, "送达回证", 1)
    root, _, _ = base("file-type-truncated-jpeg", mats=mats,
                      mutate=lambda t: t.replace("18-送达回证.md", "18-送达回证.jpg"))
    os.remove(root / BASE_CASE / "18-送达回证.md")
    write(root, BASE_CASE / "18-送达回证.jpg", jpg("truncated", size=(200, 280))[:400])
    expect_invalid("file-type-truncated-jpeg", "file-type", "error", cy(root), line(root, "file%d" % i))

    mats = ordinary_materials(rich=False)
    i = idx(mats, "送达回证", 1)
    root, _, _ = base("file-type-png-as-jpg", mats=mats,
                      mutate=lambda t: t.replace("18-送达回证.md", "18-送达回证.jpg"))
    os.remove(root / BASE_CASE / "18-送达回证.md")
    write(root, BASE_CASE / "18-送达回证.jpg", png("png-inside"))
    expect_invalid("file-type-png-as-jpg", "file-type", "error", cy(root), line(root, "file%d" % i),
                   note="content (PNG) does not match the extension (.jpg)")

    mats = ordinary_materials(rich=False)
    i = idx(mats, "执法记录仪视频")
    root, _, _ = base("file-type-fake-mp4", mats=mats)
    write(root, BASE_CASE / "av/2024-03-02-现场检查.mp4", b"<html>not a video</html>\n")
    expect_invalid("file-type-fake-mp4", "file-type", "error", cy(root), line(root, "file%d" % i))

    # --- unlisted-file (warning)
    root, case, _ = base("unlisted-file")
    write(root, case / "草稿-结案报告.md", md("草稿"))
    expect_invalid("unlisted-file", "unlisted-file", "warning", str(case / "草稿-结案报告.md"), None,
                   note="the finding names the unlisted file itself")

    # --- duplicate-file (warning)
    mats = ordinary_materials(rich=False)
    i = idx(mats, "证据材料")
    root, case, _ = base("duplicate-file", mats=mats)
    write(root, case / "08-进货单.md", (root / case / "07-营业执照.md").read_bytes())
    expect_invalid("duplicate-file", "duplicate-file", "warning", cy(root), line(root, "file%d" % i),
                   note="the second of two byte-identical materials")

    # --- unknown-type
    mats = ordinary_materials(rich=False)
    i = idx(mats, "证据材料")
    root, _, _ = base("unknown-type", mats=mats,
                      mutate=lambda t: t.replace("  - type: 证据材料  «type%d»" % i, "  - type: 证物清单  «type%d»" % i))
    expect_invalid("unknown-type", "unknown-type", "error", cy(root), line(root, "type%d" % i))

    # --- order: 结案报告 moved up to right after 立案审批表
    mats = ordinary_materials(rich=False)
    last = mats.pop()
    mats.insert(2, last)
    root, _, _ = base("order", mats=mats)
    expect_invalid("order", "order", "error", cy(root), line(root, "type2"),
                   note="the moved material (结案报告, 3rd) is the one out of place")

    mats = ordinary_materials(rich=False)
    a, b = idx(mats, "行政处罚决定审批表"), idx(mats, "行政处罚决定书")
    mats[a], mats[b] = mats[b], mats[a]
    root, _, _ = base("order-swap", mats=mats)
    expect_invalid("order-swap", "order", "error", cy(root), None,
                   note="决定书 and 决定审批表 swapped: either of the two lines")
    EXPECTED["invalid"][-1]["lines"] = [line(root, "type%d" % a), line(root, "type%d" % b)]

    # --- missing
    mats = ordinary_materials(rich=False)
    mats.pop(idx(mats, "立案审批表"))
    root, _, _ = base("missing", mats=mats)
    expect_invalid("missing", "missing", "error", cy(root), line(root, "materials"),
                   note="立案审批表 absent: reported at `materials:`")

    mats = ordinary_materials(rich=False)
    mats.pop(idx(mats, "听证笔录"))
    root, _, _ = base("missing-facts", mats=mats)
    expect_invalid("missing-facts", "missing", "error", cy(root), None,
                   note="facts.hearing true without 听证笔录: line of `materials:` or of `hearing: true`")
    EXPECTED["invalid"][-1]["lines"] = [line(root, "materials"), line(root, "hearing")]

    # --- date-order (warning): a material dated after `closed`
    mats = ordinary_materials(rich=False)
    i = idx(mats, "结案报告")
    mats[i] = (mats[i][0], mats[i][1], "2024-05-10", mats[i][3])
    root, _, _ = base("date-order", mats=mats)
    expect_invalid("date-order", "date-order", "warning", cy(root), None,
                   note="material dated after closed: at the material (its type or its date line)")
    EXPECTED["invalid"][-1]["lines"] = [line(root, "type%d" % i), line(root, "date%d" % i)]

    root, _, _ = base("date-order-decided", mutate=lambda t: t.replace("  decided: 2024-04-10  «decided»", "  decided: 2024-02-20  «decided»"))
    expect_invalid("date-order-decided", "date-order", "warning", cy(root), line(root, "decided"),
                   note="decision before 立案")

    # --- deadline
    root, _, _ = base("deadline", filed_on="2024-06-06")
    expect_invalid("deadline", "deadline", "error", cy(root), line(root, "filed_on"),
                   note="closed 2024-05-06 + 31 days")

    root = OUT / "invalid" / "deadline-volume"
    write(root, "archive.yaml", ARCHIVE_YAML)
    vol = Path("简易程序/2024-第1卷")
    combined_volume(root, vol, "2024-06-06")
    expect_invalid("deadline-volume", "deadline", "error", str(vol / "volume.yaml"), mark(root, vol / "volume.yaml", "filed_on"),
                   note="31 days after the earliest gathered case's closed (孙某, 2024-05-06); 29/28 days for the others")

    # --- av-metadata
    mats = ordinary_materials(rich=False)
    i = idx(mats, "执法记录仪视频")
    root, _, _ = base("av-metadata", mats=mats, mutate=lambda t: t.replace("      place: 任丘市某某路 12 号某某超市  «place%d»\n" % i, ""))
    expect_invalid("av-metadata", "av-metadata", "error", cy(root), None,
                   note="av without place: at the material (its type line or its av line)")
    EXPECTED["invalid"][-1]["lines"] = [line(root, "type%d" % i), line(root, "av%d" % i)]

    mats = ordinary_materials(rich=False)
    i = idx(mats, "执法记录仪视频")
    mats[i] = (mats[i][0], mats[i][1], mats[i][2], [])
    root, _, _ = base("av-metadata-no-block", mats=mats)
    expect_invalid("av-metadata-no-block", "av-metadata", "error", cy(root), None, note="an mp4 material without av")
    EXPECTED["invalid"][-1]["lines"] = [line(root, "type%d" % i), line(root, "file%d" % i)]

    # --- pages-mismatch
    mats = ordinary_materials(rich=False)
    i = idx(mats, "立案审批表")
    root, _, _ = base("pages-mismatch", mats=mats, mutate=lambda t: t.replace("pages: 2  «pages%d»" % i, "pages: 3  «pages%d»" % i))
    expect_invalid("pages-mismatch", "pages-mismatch", "error", cy(root), line(root, "pages%d" % i),
                   note="declared 3, the PDF has 2")

    # --- one-case-one-volume: a 普通程序 case below volume.yaml
    root = OUT / "invalid" / "one-case-one-volume"
    write(root, "archive.yaml", ARCHIVE_YAML)
    vol = Path("简易程序/2024-第1卷")
    combined_volume(root, vol, "2024-06-05")
    mats = ordinary_materials(rich=False)
    text = ordinary_case_yaml(mats)
    # a gathered case carries no archive block (spec section 1)
    a = text.index("archive:  «archive»")
    b = text.index("materials:  «materials»")
    text = text[:a] + text[b:]
    case = vol / "d-普通"
    write(root, case / "case.yaml", text)
    material_files(root, case, mats, rich=False)
    expect_invalid("one-case-one-volume", "one-case-one-volume", "error", str(case / "case.yaml"), None,
                   note="line of `procedure: 普通程序` or of `case:`")
    EXPECTED["invalid"][-1]["lines"] = [mark(root, case / "case.yaml", "procedure"), mark(root, case / "case.yaml", "case")]

    # --- nested-case
    root, case, _ = base("nested-case")
    inner = case / "附件-2024-0013"
    generic_case(root, inner, "case:  «case»\n  number: 任市监立〔2024〕13号\n  title: 某案\n  kind: 行政检查\n"
                 "  opened: 2024-03-01\n  closed: 2024-03-02\n  status: 已结案\narchive:\n  filed_on: 2024-03-10\n",
                 [("现场检查笔录", "笔录.md", "2024-03-01", [])], {"笔录.md": md("现场检查笔录")})
    expect_invalid("nested-case", "nested-case", "error", str(inner / "case.yaml"), None,
                   also=["unlisted-file"],
                   note="line not asserted (the whole file is the defect)")

    # --- not-closed (warning in check)
    root, _, _ = base("not-closed", status="办理中", closed=None,
                      mutate=lambda t: t.replace("  filed_on: 2024-06-05  «filed_on»\n", ""))
    expect_invalid("not-closed", "not-closed", "warning", cy(root), line(root, "status"))

    # --- volume-split (warning)
    root, _, _ = base("volume-split", archive_yaml=ARCHIVE_YAML.replace("max_volume_pages: 200", "max_volume_pages: 10"))
    expect_invalid("volume-split", "volume-split", "warning", cy(root), None,
                   note="21 materials > 10 numbered pages; file is the case.yaml (line not asserted)")

    # --- ledger rules
    def ledger_case(name, entry, status="已结案", **kw):
        if status == "办理中":
            root, case, _ = base(name, status="办理中", closed=None,
                                 mutate=lambda t: t.replace("  filed_on: 2024-06-05  «filed_on»\n", "")
                                 .replace("  decided: 2024-04-10  «decided»\n", ""), **kw)
        else:
            root, case, _ = base(name, **kw)
        write(root, case / "ledger.yaml", LEDGER_VALID + entry)
        return root, case

    entry = ("- at: 2024-08-01T09:00:00+08:00  «e»\n  reader: 周某\n  category: 申请人\n  id_document: 身份证 1301xxxx\n"
             "  scope: 结论性文件\n  escort: 王五\n  copy:  «copy»\n    content: 行政处罚决定书\n    copies: 2\n")
    root, case = ledger_case("ledger-copy-unapproved", entry)
    expect_invalid("ledger-copy-unapproved", "ledger-copy-unapproved", "error", str(case / "ledger.yaml"), None)
    EXPECTED["invalid"][-1]["lines"] = [mark(root, case / "ledger.yaml", "copy"), mark(root, case / "ledger.yaml", "e")]

    entry = ("- at: 2024-08-01T09:00:00+08:00  «e»\n  reader: 吴某\n  category: 有关机关\n  organization: 某某市审计局\n"
             "  credentials: [工作证]  «cred»\n  scope: 全卷\n  escort: 王五\n")
    root, case = ledger_case("ledger-credentials", entry)
    expect_invalid("ledger-credentials", "ledger-credentials", "error", str(case / "ledger.yaml"), None,
                   note="有关机关 without an introduction letter or official document")
    EXPECTED["invalid"][-1]["lines"] = [mark(root, case / "ledger.yaml", "cred"), mark(root, case / "ledger.yaml", "e")]

    entry = ("- at: 2024-08-01T09:00:00+08:00  «e»\n  reader: 郑某\n  category: 代理律师\n  organization: 某某律师事务所\n"
             "  credentials: [法院立案通知书, 律师执业证]  «cred»\n  scope: 结论性文件\n  escort: 王五\n")
    root, case = ledger_case("ledger-credentials-lawyer", entry)
    expect_invalid("ledger-credentials-lawyer", "ledger-credentials", "error", str(case / "ledger.yaml"), None,
                   note="代理律师 without 授权委托书")
    EXPECTED["invalid"][-1]["lines"] = [mark(root, case / "ledger.yaml", "cred"), mark(root, case / "ledger.yaml", "e")]

    entry = ("- at: 2024-08-01T09:00:00+08:00  «e»\n  reader: 郑某\n  category: 代理律师\n  organization: 某某律师事务所\n"
             "  credentials: [法院立案通知书, 授权委托书, 律师执业证]\n  scope: 全卷  «scope»\n  escort: 王五\n")
    root, case = ledger_case("ledger-scope", entry)
    expect_invalid("ledger-scope", "ledger-scope", "error", str(case / "ledger.yaml"), None,
                   note="代理律师 reading the whole volume")
    EXPECTED["invalid"][-1]["lines"] = [mark(root, case / "ledger.yaml", "scope"), mark(root, case / "ledger.yaml", "e")]

    entry = ("- at: 2024-08-01T09:00:00+08:00  «e»\n  reader: 周某\n  category: 申请人\n  id_document: 身份证 1301xxxx\n"
             "  scope: 正卷  «scope»\n  escort: 王五\n")
    root, case = ledger_case("ledger-scope-applicant", entry)
    expect_invalid("ledger-scope-applicant", "ledger-scope", "error", str(case / "ledger.yaml"), None,
                   note="申请人 reading the 正卷")
    EXPECTED["invalid"][-1]["lines"] = [mark(root, case / "ledger.yaml", "scope"), mark(root, case / "ledger.yaml", "e")]

    pre = ("- at: 2024-03-20T09:00:00+08:00  «e»\n  reader: 吴某\n  category: 有关机关\n  organization: 某某市审计局\n"
           "  credentials: [介绍信, 工作证]\n  scope: 全卷\n  escort: 王五\n")
    root = OUT / "invalid" / "ledger-predecision"
    root2, case, _ = base("ledger-predecision", status="办理中", closed=None,
                          mutate=lambda t: t.replace("  filed_on: 2024-06-05  «filed_on»\n", "")
                          .replace("  decided: 2024-04-10  «decided»\n", ""))
    write(root, case / "ledger.yaml", pre)
    expect_invalid("ledger-predecision", "ledger-predecision", "error", str(case / "ledger.yaml"), None,
                   also=["not-closed", "date-order"],
                   note="status 办理中 (no decision yet): an outside body reads the file")
    EXPECTED["invalid"][-1]["lines"] = [mark(root, case / "ledger.yaml", "e"), mark(root, case / "ledger.yaml", "e") + 2]

    entry = ("- at: 2024-08-01T09:00:00+08:00  «e»\n  reader: 钱某\n  category: 本机关工作人员\n  scope: 全卷\n")
    root, case = ledger_case("ledger-incomplete", entry)
    expect_invalid("ledger-incomplete", "ledger-incomplete", "error", str(case / "ledger.yaml"), None,
                   note="entry without escort")
    EXPECTED["invalid"][-1]["lines"] = [mark(root, case / "ledger.yaml", "e")]


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    valid_penalty_ordinary()
    valid_penalty_simple()
    valid_licensing()
    valid_coercion_measure()
    valid_coercion_enforcement()
    valid_inspection()
    valid_minimal()
    valid_local_profile()
    invalid_all()
    (OUT / "expected.json").write_text(json.dumps(EXPECTED, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    total = sum(f.stat().st_size for f in OUT.rglob("*") if f.is_file() and not f.is_symlink())
    print("wrote %d valid + %d invalid archives, %d KiB" % (len(EXPECTED["valid"]), len(EXPECTED["invalid"]), total // 1024))


if __name__ == "__main__":
    sys.exit(main())
