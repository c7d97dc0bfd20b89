"""What the bot says, in Chinese, as the transcripts expect it: shared by every channel's tests."""

from __future__ import annotations

__all__ = [
    "ASK_COUNT",
    "ASK_MORE",
    "ASK_PEOPLE",
    "ASK_PLACE",
    "KINDS",
    "MENU",
    "REFUSED",
    "REVIEW_BUTTONS",
    "TARGETS",
    "review",
]

MENU = "≡ 登记走访 上报问题 | 我的走访 帮助"
TARGETS = "走访的是哪类对象？\n[住户] [企业] [学校]\n[村(寨)] [社区] [其他]"
ASK_PLACE = "走访地点在哪里？请输入名称或地址（不超过 100 字）。"
ASK_COUNT = "走访了多少户住户？请输入数字。"
ASK_PEOPLE = "覆盖多少人？请输入数字。"
REVIEW_BUTTONS = "[✅ 确认] [❌ 取消]\n[类型] [地点] [数量] [人数]\n[宣传资料] [意见建议] [日期]\n[定位] [照片] [备注]"
KINDS = "群众反映的是哪类问题？\n[意见建议] [矛盾纠纷] [群众困难]\n[问题线索] [风险隐患]"
REFUSED = "您好！本机器人仅供大走访工作人员使用。如需加入，请向所在单位或活动办索取邀请链接。"
ASK_MORE = "走访中群众反映了问题吗？可以直接上报，会关联到这次走访。\n[上报问题]"


def review(**fields: object) -> str:
    """The visit review card with its buttons; by default 住户 15户 40人 珍珠园五村, today."""
    values = {
        "target": "住户",
        "place": "珍珠园五村",
        "count": "15 户",
        "people": 40,
        "materials": 0,
        "opinions": 0,
        "date": "2026-11-25（今天）",
        "location": "无",
        "photos": 0,
        "note": "无",
    } | fields
    return (
        "请核对走访登记：\n"
        f"类型：{values['target']}\n"
        f"地点：{values['place']}\n"
        f"数量：{values['count']}\n"
        f"覆盖人数：{values['people']} 人\n"
        f"宣传资料：{values['materials']} 份\n"
        f"意见建议：{values['opinions']} 条\n"
        f"日期：{values['date']}\n"
        f"定位：{values['location']}\n"
        f"照片：{values['photos']} 张\n"
        f"备注：{values['note']}\n"
        "无误请点【确认】，需要修改请点对应项目。\n" + REVIEW_BUTTONS
    )
