#!/usr/bin/env python3
"""Regenerates the check fixtures under tests/cases/{valid,invalid}/.

Each invalid archive is the valid base archive with exactly one defect, named after the
rule it must trigger. Run from the repository root: python3 tests/cases/make_fixtures.py
"""
import io, os, shutil, struct, zlib
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))

def pdf(pages):
    """A minimal valid PDF with `pages` pages (ASCII text only)."""
    objs = []
    kids = " ".join(f"{3 + 2*i} 0 R" for i in range(pages))
    objs.append("<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>")
    font_id = 3 + 2 * pages
    for i in range(pages):
        content = f"BT /F1 24 Tf 72 720 Td (Sample page {i+1}) Tj ET".encode()
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {4 + 2*i} 0 R >>")
        objs.append(("<< /Length %d >>\nstream\n" % len(content)).encode() + content + b"\nendstream")
    objs.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, o in enumerate(objs, 1):
        offsets.append(out.tell())
        body = o if isinstance(o, bytes) else o.encode()
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs)+1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs)+1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()

def jpeg(seed, size=(120, 160)):
    img = Image.new("L", size, 200 + seed % 50)
    for x in range(0, size[0], 7):
        for y in range(0, size[1], 5):
            img.putpixel((x, y), (x * y + seed * 31) % 255)
    b = io.BytesIO(); img.save(b, "JPEG", quality=60); return b.getvalue()

def png(seed):
    img = Image.new("RGB", (100, 140), (250, 250, 240 - seed))
    b = io.BytesIO(); img.save(b, "PNG"); return b.getvalue()

def mp4():
    # ftyp + an empty mdat: enough for content identification in `check`.
    ftyp = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2"
    return ftyp + struct.pack(">I", 8) + b"mdat"

MD = {
    "01-案件来源登记表.md": "# 案件来源登记表\n\n【测试样例·虚构】\n\n| 来源 | 投诉举报 |\n|---|---|\n| 登记人 | 张三 |\n",
    "02-立案审批表.md": "# 立案审批表\n\n【测试样例·虚构】\n\n案由：销售过期食品。\n\n承办人意见：建议立案。\n",
    "03-询问笔录.md": "# 询问笔录\n\n【测试样例·虚构】\n\n问：你是否知道货架上的食品已过保质期？\n\n答：不知道。\n",
    "08-案件调查终结报告.md": "# 案件调查终结报告\n\n【测试样例·虚构】\n\n经调查，当事人销售过期食品的事实清楚。\n",
    "09-行政处罚事先告知书.md": "# 行政处罚事先告知书\n\n【测试样例·虚构】\n\n你有权进行陈述和申辩。\n",
    "11-行政处罚决定审批表.md": "# 行政处罚决定审批表\n\n【测试样例·虚构】\n\n同意处罚。\n",
    "12-行政处罚决定书.md": "# 行政处罚决定书\n\n【测试样例·虚构】\n\n依据《中华人民共和国食品安全法》第一百二十四条，决定罚款五千元。\n\n如不服本决定，可在六十日内申请行政复议，或者在六个月内提起行政诉讼。\n",
    "13-送达回证.md": "# 送达回证\n\n【测试样例·虚构】\n\n受送达人签收：某某\n",
    "14-结案报告.md": "# 结案报告\n\n【测试样例·虚构】\n\n罚款已缴纳，建议结案。\n",
}

CASE_YAML = """\
case:
  id: T-0001
  number: 测市监立〔2024〕1号
  title: 测试市某某超市销售过期食品案
  kind: 行政处罚
  procedure: 普通程序
  party: 测试市某某超市
  agency: 测试市市场监督管理局
  handlers: [张三, 李四]
  decision_no: 测市监罚〔2024〕1号
  opened: 2024-03-01
  decided: 2024-04-10
  closed: 2024-05-06
  status: 已结案
  facts:
    hearing: false
archive:
  catalog: XZCF-2024
  volume_no: "0001"
  filing_no: "20240001"
  retention: 永久
  secrecy: 无
  filed_by: 王五
  checked_by: 赵六
  filed_on: 2024-05-20
  remarks: 卷内照片 2 张，视频 1 件另存。
materials:
  - type: 案件来源登记表
    file: 01-案件来源登记表.md
    date: 2024-03-01
  - type: 立案审批表
    file: 02-立案审批表.md
    date: 2024-03-01
  - type: 询问笔录
    file: 03-询问笔录.md
    date: 2024-03-02
  - type: 现场照片
    files: [photos/*.jpg]
    date: 2024-03-02
  - type: 执法记录仪视频
    file: av/现场检查.mp4
    date: 2024-03-02
    av:
      matter: 现场检查
      start: 2024-03-02T09:30:00+08:00
      end: 2024-03-02T10:05:00+08:00
      place: 测试市某某路 12 号
      method: 执法记录仪
      officers: [张三, 李四]
      retention: 同案卷
  - type: 当事人身份证明
    file: 06-营业执照.png
    date: 2024-03-02
    confidential: [个人隐私]
  - type: 证据材料
    file: 07-进货单据.pdf
    date: 2024-03-05
    pages: 2
  - type: 案件调查终结报告
    file: 08-案件调查终结报告.md
    date: 2024-03-20
  - type: 行政处罚事先告知书
    file: 09-行政处罚事先告知书.md
    date: 2024-03-25
    doc_no: 测市监罚告〔2024〕1号
  - type: 送达回证
    file: 10-送达回证.jpg
    date: 2024-03-26
  - type: 行政处罚决定审批表
    file: 11-行政处罚决定审批表.md
    date: 2024-04-09
  - type: 行政处罚决定书
    file: 12-行政处罚决定书.md
    date: 2024-04-10
    doc_no: 测市监罚〔2024〕1号
  - type: 送达回证
    file: 13-送达回证.md
    date: 2024-04-11
  - type: 结案报告
    file: 14-结案报告.md
    date: 2024-05-06
"""

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

def base(root, case_dir="处罚/T-0001", yaml_text=CASE_YAML):
    d = os.path.join(root, case_dir)
    for name, text in MD.items():
        write(os.path.join(d, name), text)
    write(os.path.join(d, "photos/1.jpg"), jpeg(1))
    write(os.path.join(d, "photos/2.jpg"), jpeg(2))
    write(os.path.join(d, "av/现场检查.mp4"), mp4())
    write(os.path.join(d, "06-营业执照.png"), png(1))
    write(os.path.join(d, "07-进货单据.pdf"), pdf(2))
    write(os.path.join(d, "10-送达回证.jpg"), jpeg(3))
    write(os.path.join(d, "case.yaml"), yaml_text)
    write(os.path.join(root, "archive.yaml"), "fonds: \"J099\"\nfonds_name: 测试市市场监督管理局\nagency: 测试市市场监督管理局\nmax_volume_pages: 200\n")
    return d

def replace(text, old, new, count=1):
    assert old in text, old
    return text.replace(old, new, count)

SIMPLE_CASE = """\
case:
  number: 测市监简〔2024〕{n}号
  title: 测试市某某{n}号摊位违规经营案
  kind: 行政处罚
  procedure: {proc}
  party: 某某{n}
  handlers: [张三, 李四]
  decision_no: 测市监当罚〔2024〕{n}号
  opened: 2024-06-{d:02d}
  decided: 2024-06-{d:02d}
  closed: 2024-06-{d:02d}
  status: 已结案
materials:
  - type: 当场行政处罚决定书
    file: 决定书.md
    date: 2024-06-{d:02d}
  - type: 备案登记表
    file: 备案登记表.md
    date: 2024-06-{d:02d}
"""

def simple_volume(root, procs=("简易程序", "简易程序", "简易程序")):
    vd = os.path.join(root, "简易卷")
    write(os.path.join(vd, "volume.yaml"), "title: 测试市市场监督管理局2024年简易程序行政处罚案卷（第一卷）\ncatalog: XZCF-2024\nvolume_no: \"0100\"\nretention: 30年\nsecrecy: 无\nfiled_by: 王五\nchecked_by: 赵六\nfiled_on: 2024-07-01\n")
    for i, (folder, d) in enumerate([("a", 20), ("b", 3), ("c", 11)]):
        cd = os.path.join(vd, folder)
        write(os.path.join(cd, "case.yaml"), SIMPLE_CASE.format(n=i + 1, d=d, proc=procs[i]))
        write(os.path.join(cd, "决定书.md"), f"# 当场行政处罚决定书\n\n【测试样例·虚构】第 {i+1} 号\n")
        write(os.path.join(cd, "备案登记表.md"), f"# 备案登记表\n\n【测试样例·虚构】第 {i+1} 号案件备案。\n")

LEDGER_OK = """\
- at: 2024-06-03T09:00:00+08:00
  until: 2024-06-03T10:10:00+08:00
  reader: 陈某
  category: 代理律师
  organization: 某某律师事务所
  id_document: 律师执业证 13101201xxxx
  credentials: [法院立案通知书, 授权委托书, 律师执业证]
  purpose: 行政诉讼
  scope: 结论性文件
  escort: 王五
  copy:
    content: 行政处罚决定书
    copies: 1
    approved_by: 孙七
    approved_on: 2024-06-02
"""

def main():
    for sub in ("valid", "invalid"):
        shutil.rmtree(os.path.join(HERE, sub), ignore_errors=True)
    V = lambda n: os.path.join(HERE, "valid", n)
    I = lambda n: os.path.join(HERE, "invalid", n)

    base(V("basic"))
    r = V("combined"); base(r); simple_volume(r)
    r = V("with-ledger"); d = base(r); write(os.path.join(d, "ledger.yaml"), LEDGER_OK)

    # yaml: a tab in the indentation at line 5.
    r = I("yaml"); base(r, yaml_text=replace(CASE_YAML, "  kind: 行政处罚\n", "\tkind: 行政处罚\n"))
    # schema: an impossible date (opened at line 11).
    r = I("schema"); base(r, yaml_text=replace(CASE_YAML, "opened: 2024-03-01", "opened: 2024-02-30"))
    # path-escape: `..` out of the case folder (materials[1].file, line 36).
    r = I("path-escape"); d = base(r, yaml_text=replace(CASE_YAML, "file: 02-立案审批表.md", "file: ../02-立案审批表.md"))
    write(os.path.join(d, "..", "02-立案审批表.md"), MD["02-立案审批表.md"]); os.remove(os.path.join(d, "02-立案审批表.md"))
    # file-missing: a file that is not there (line 39).
    r = I("file-missing"); d = base(r); os.remove(os.path.join(d, "03-询问笔录.md"))
    # file-type: a JPEG named .pdf (証据材料 file at line 60).
    r = I("file-type"); d = base(r); write(os.path.join(d, "07-进货单据.pdf"), jpeg(9))
    # unlisted-file: a stray file in the case folder.
    r = I("unlisted-file"); d = base(r); write(os.path.join(d, "草稿.md"), "# 草稿\n")
    # duplicate-file: the second 送达回证 is byte-identical to the first's file.
    r = I("duplicate-file"); d = base(r, yaml_text=replace(CASE_YAML, "file: 13-送达回证.md", "file: 13-送达回证.jpg"))
    os.remove(os.path.join(d, "13-送达回证.md")); write(os.path.join(d, "13-送达回证.jpg"), jpeg(3))
    # unknown-type: a misspelt type (line 38).
    r = I("unknown-type"); base(r, yaml_text=replace(CASE_YAML, "type: 询问笔录", "type: 询问记录表"))
    # order: 立案审批表 moved after 询问笔录.
    y = replace(CASE_YAML, "  - type: 立案审批表\n    file: 02-立案审批表.md\n    date: 2024-03-01\n", "")
    y = replace(y, "  - type: 现场照片\n", "  - type: 立案审批表\n    file: 02-立案审批表.md\n    date: 2024-03-01\n  - type: 现场照片\n")
    r = I("order"); base(r, yaml_text=y)
    # missing: hearing requested, no 听证 materials.
    r = I("missing"); base(r, yaml_text=replace(CASE_YAML, "hearing: false", "hearing: true"))
    # date-order: decided before opened (warning only).
    r = I("date-order"); base(r, yaml_text=replace(CASE_YAML, "decided: 2024-04-10", "decided: 2024-02-10"))
    # deadline: filed 45 days after closing.
    r = I("deadline"); base(r, yaml_text=replace(CASE_YAML, "filed_on: 2024-05-20", "filed_on: 2024-06-20"))
    # av-metadata: no place, no officers.
    y = replace(CASE_YAML, "      place: 测试市某某路 12 号\n", "")
    y = replace(y, "      officers: [张三, 李四]\n", "")
    r = I("av-metadata"); base(r, yaml_text=y)
    # pages-mismatch: declares 3 pages, the PDF has 2.
    r = I("pages-mismatch"); base(r, yaml_text=replace(CASE_YAML, "pages: 2", "pages: 3"))
    # one-case-one-volume: an ordinary-procedure case inside a combined volume.
    r = I("one-case-one-volume"); simple_volume(r, procs=("简易程序", "普通程序", "简易程序"))
    write(os.path.join(r, "archive.yaml"), "fonds: \"J099\"\nagency: 测试市市场监督管理局\n")
    # nested-case: a case folder inside another.
    r = I("nested-case"); d = base(r); base(r, case_dir="处罚/T-0001/附件/T-0002", yaml_text=replace(CASE_YAML, "id: T-0001", "id: T-0002"))
    # not-closed: still open (a warning in check, an error in build).
    y = replace(CASE_YAML, "  closed: 2024-05-06\n  status: 已结案\n", "  status: 办理中\n")
    r = I("not-closed"); base(r, yaml_text=y)
    # volume-split: the limit is below the volume's pages.
    r = I("volume-split"); base(r); write(os.path.join(r, "archive.yaml"), "fonds: \"J099\"\nagency: 测试市市场监督管理局\nmax_volume_pages: 3\n")
    # ledger rules, one archive each.
    def ledger_case(name, text):
        r = I(name); d = base(r); write(os.path.join(d, "ledger.yaml"), text)
    ledger_case("ledger-copy-unapproved", LEDGER_OK.replace("    approved_by: 孙七\n", ""))
    ledger_case("ledger-credentials", LEDGER_OK.replace("[法院立案通知书, 授权委托书, 律师执业证]", "[授权委托书]").replace("律师执业证 13101201xxxx", "身份证 1301xxxx"))
    ledger_case("ledger-scope", LEDGER_OK.replace("scope: 结论性文件", "scope: 全卷"))
    ledger_case("ledger-incomplete", LEDGER_OK.replace("  escort: 王五\n", ""))
    r = I("ledger-predecision")
    base(r, yaml_text=replace(replace(CASE_YAML, "  closed: 2024-05-06\n  status: 已结案\n", "  status: 办理中\n"), "  decided: 2024-04-10\n", ""))
    write(os.path.join(r, "处罚/T-0001", "ledger.yaml"), LEDGER_OK.replace("代理律师", "其他", 1).replace("scope: 结论性文件", "scope: 全卷"))
    # encoding: a GBK text material (a warning).
    r = I("encoding"); d = base(r, yaml_text=replace(CASE_YAML, "file: 14-结案报告.md", "file: 14-结案报告.txt"))
    os.remove(os.path.join(d, "14-结案报告.md")); write(os.path.join(d, "14-结案报告.txt"), "结案报告：罚款已缴纳。\n".encode("gbk"))

if __name__ == "__main__":
    main()
