"""Builds the messy national-export fixtures the import tests read (run once; the outputs are committed).
python3 make_fixtures.py  — needs openpyxl."""
import datetime, openpyxl
from openpyxl.styles import Font

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def idn(div, birth, seq):
    first = f"{div}{birth}{seq:03d}"
    s = sum(int(c) * w for c, w in zip(first, W)) % 11
    return first + "10X98765432"[s]

def bad_check(i):
    c = "0123456789X"
    return i[:17] + c[(c.index(i[17]) + 1) % 11]

ZHAO = idn("150422", "19880512", 101)   # 赵丽
QIAN = next(i for i in (idn("150422", "19760203", n) for n in range(213, 400)) if i.endswith("X"))   # 钱军: an ID ending in X
SUN = idn("150422", "19930909", 325)
LI = idn("150422", "19850610", 437)
ZHOU = idn("150422", "19700101", 549)
WU = idn("150422", "19990315", 661)
print({k: v for k, v in dict(ZHAO=ZHAO, QIAN=QIAN, SUN=SUN, LI=LI, ZHOU=ZHOU, WU=WU).items()})

# 1. GB18030 CSV: a title row, a blank line, headers with full-width and stray spaces, reordered and extra columns,
#    a lower-case x, an ID with spaces, dates in several spellings.
rows = [
    ["赤峰市巴林左旗党员信息（全国党员管理信息系统导出）"],
    [],
    ["序号", "公民身份号码 ", "姓　名", "性别", "民族", "出生日期", "学历", "所在党组织", "手机号码", "入党日期", "转正日期", "是否流动", "是否失联", "备注"],
    ["1", ZHAO, "赵丽", "女", "汉族", "1988/5/12", "大学本科", "东城村党支部", "13904761111", "2010.07.01", "2011.07", "是", "否", ""],
    ["2", " ".join([QIAN[:6], QIAN[6:14], QIAN[14:]]).lower(), "钱　军", "男", "蒙古族", "1976年2月3日", "大专", "林东镇东城村党支部", "１３９０４７６２２２２", "19990701", "2000年7月1日", "否", "否", "全角手机号"],
    ["3", SUN, "孙 悦", "女", "汉族", "1993-09-09", "硕士研究生", " 西城村党支部 ", "", "2015-06-30", "", "是", "是", ""],
]
with open("national-gb18030.csv", "wb") as f:
    for r in rows:
        f.write((",".join(r) + "\r\n").encode("gb18030"))

# 2. .xlsx with a merged title, a subtitle, the header on row 3, Excel serial dates (date-formatted and plain numbers),
#    an ID Excel turned into a number (scientific notation), a bad check digit, and a duplicate.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "党员信息"
ws["A1"] = "全国党员管理信息系统 党员信息导出"
ws.merge_cells("A1:J1")
ws["A1"].font = Font(bold=True, size=16)
ws["A2"] = "导出单位：巴林左旗委组织部    导出时间：2026-11-20"
header = ["姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党支部", "手机号码", "入党日期", "是否流动", "工作单位及职务"]
ws.append(header)  # row 3
def serial(d):
    return (d - datetime.date(1899, 12, 30)).days
ws.append(["李强", "男", LI, "汉族", datetime.date(1985, 6, 10), "大学本科", "正式党员", "东城村党支部", "13904763333", datetime.date(2008, 7, 1), "是", "北京某建筑公司 项目经理"])
ws.append(["周平", "男", int(ZHOU[:17] + ("0" if ZHOU[17] == "X" else ZHOU[17])) * 1.0, "汉族", serial(datetime.date(1970, 1, 1)), "高中", "正式党员", "东城村党支部", "13904764444", serial(datetime.date(1995, 7, 1)), "否", ""])
ws.append(["吴敏", "女", bad_check(WU), "汉族", "1999-03-15", "大学本科", "预备党员", "东城村党支部", "13904765555", "2025-07-01", "否", ""])
ws.append(["李强", "男", LI, "汉族", datetime.date(1985, 6, 10), "大学本科", "正式党员", "东城村党支部", "13904763333", datetime.date(2008, 7, 1), "是", "重复的一行"])
ws.append(["郑好", "男", WU, "汉族", serial(datetime.date(1999, 3, 15)), "大学本科", "预备党员", "不存在的党支部", "13904766666", serial(datetime.date(2025, 7, 1)), "否", ""])
for r in range(4, 9):
    ws.cell(row=r, column=5).number_format = "yyyy-mm-dd"
    ws.cell(row=r, column=10).number_format = "yyyy-mm-dd"
ws.cell(row=5, column=5).number_format = "General"   # a plain number that is really a serial date
ws.cell(row=5, column=3).number_format = "0.00E+00"
wb.save("national-title-serial.xlsx")

# 3. UTF-8 with BOM: an ID as text in scientific notation, a bad check digit, a duplicate, dates in every spelling.
rows = [
    ["姓名", "公民身份号码", "所在党支部", "出生日期", "入党日期", "是否流动"],
    ["甲", "1.50422E+17", "东城村党支部", "1988-05-12", "2001-07-01", "否"],
    ["乙", bad_check(ZHAO), "东城村党支部", "1988-05-12", "2001/7/1", "否"],
    ["丙", ZHAO, "东城村党支部", "1988.05.12", "2001.07.01", "是"],
    ["丁", ZHAO, "东城村党支部", "1988-05-12", "2001.07", "是"],
    ["戊", SUN, "东城村党支部", "19930909", "2001年7月1日", "否"],
    ["己", LI, "东城村党支部", "1985-06-10", "37073", "否"],
    ["庚", QIAN, "东城村党支部", "1976-02-03", "七月一日", "否"],
]
with open("national-utf8-bom.csv", "w", encoding="utf-8-sig", newline="") as f:
    for r in rows:
        f.write(",".join(r) + "\n")
