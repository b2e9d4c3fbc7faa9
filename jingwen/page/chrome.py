"""The words page chrome is made of (buttons, share bars, counters), read by the line
labels and by the splitting of glued spans."""
from __future__ import annotations

import re

#: Words that page chrome is made of; a short line of nothing else is chrome.
UI_WORDS = frozenset("""
大 中 小 字号 字体 小字号 大字号 中字号 默认 放大 缩小 打印 关闭 关闭窗口 收藏 分享 分享到 分享至 转发 评论 评论数
我要评论 发表评论 查看评论 网友评论 点赞 赞 关注 已关注 取消关注 举报 反馈 举报/反馈 参与互动 互动 返回
返回顶部 回到顶部 顶部 返回首页 返回目录 返回列表 上一篇 下一篇 阅读 阅读量 阅读数 浏览 浏览量 浏览次数
点击 点击量 次 人 详细 展开详细 详情 查看详情 more More MORE ... … …… 打印本页 关闭本页 收藏本页
手机看 手机阅读 手机版 扫一扫 扫码 复制链接 链接 微信 微博 朋友圈 QQ QQ空间 空间 豆瓣 展开 收起 展开全文 阅读全文 全文
全文阅读 更多 查看更多 点击查看 查看原图 查看大图 点击查看大图 原图 视频 播放 加载中 登录 注册 分享让更多人看到
""".split())
_TOKEN_SPLIT_RE = re.compile(r"[\s|｜︱丨/／:：【】\[\]()（）<>《》·•]+")


def ui_tokens(text: str) -> bool:
    """Every token of ``text`` is a chrome word or a number."""
    tokens = [t for t in _TOKEN_SPLIT_RE.split(text) if t]
    return bool(tokens) and all(t in UI_WORDS or t.isdigit() for t in tokens)
