"""The group robot channels by `chats.robots[].kind`."""

from __future__ import annotations

from bot.channels.robot_base import RobotChannel
from bot.channels.robot_dingtalk import DingtalkRobotChannel
from bot.channels.robot_feishu import FeishuRobotChannel
from bot.channels.robot_wecom import WecomRobotChannel

ROBOT_CHANNELS: dict[str, type[RobotChannel]] = {
    "wecom": WecomRobotChannel,
    "dingtalk": DingtalkRobotChannel,
    "feishu": FeishuRobotChannel,
}
