"""The bot's words for subscriptions and alerts, in every language of `bot.telegram.texts`."""

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "subscribed": "Subscribed (#{id}): I will tell you when a new article about "
        "<i>{topic}</i> arrives, in any language.",
        "subscribed_all": "Subscribed (#{id}): I will tell you about every new article.",
        "subscribe_admins_only": "In a group, only its admins can change subscriptions.",
        "subscribe_too_long": "That topic is {length} characters; the limit is {limit}.",
        "subscribe_too_many": "This chat already has {limit} subscriptions, the most allowed. "
        "Remove one with /unsubscribe first.",
        "subscribe_duplicate": "This chat is already subscribed to that (#{id}).",
        "subscriptions_none": "No subscriptions here. <code>/subscribe topic</code> follows a "
        "story; <code>/subscribe</code> alone follows every new article.",
        "subscriptions_title": "<b>Subscriptions</b>",
        "subscription_line": "#{id}: {topic}",
        "subscription_everything": "every new article",
        "subscription_paused": "paused",
        "unsubscribe_usage": "Usage: <code>/unsubscribe ID</code> (the ids are in "
        "/subscriptions) or <code>/unsubscribe all</code>.",
        "unsubscribed": "Unsubscribed from #{id}.",
        "unsubscribed_all": "Removed all {count} subscriptions of this chat.",
        "unsubscribe_missing": "There is no subscription #{id} in this chat.",
        "alert_topic": "🔔 New on <i>{topic}</i>",
        "alert_everything": "🔔 New article",
        "cmd_subscribe": "follow a story: alerts on new articles",
        "cmd_subscriptions": "list this chat's subscriptions",
        "cmd_unsubscribe": "stop following (an id, or all)",
    },
    "hi": {
        "subscribed": "सदस्यता ली गई (#{id}): <i>{topic}</i> के बारे में कोई नया लेख आने पर, "
        "किसी भी भाषा में, मैं आपको बताऊँगा।",
        "subscribed_all": "सदस्यता ली गई (#{id}): हर नए लेख के बारे में मैं आपको बताऊँगा।",
        "subscribe_admins_only": "समूह में केवल उसके एडमिन सदस्यताएँ बदल सकते हैं।",
        "subscribe_too_long": "यह विषय {length} अक्षरों का है; सीमा {limit} है।",
        "subscribe_too_many": "इस चैट में पहले से {limit} सदस्यताएँ हैं, जो अधिकतम है। पहले "
        "/unsubscribe से एक हटाइए।",
        "subscribe_duplicate": "इस चैट की यह सदस्यता पहले से है (#{id})।",
        "subscriptions_none": "यहाँ कोई सदस्यता नहीं है। <code>/subscribe विषय</code> किसी "
        "ख़बर पर नज़र रखता है; केवल <code>/subscribe</code> हर नए लेख पर।",
        "subscriptions_title": "<b>सदस्यताएँ</b>",
        "subscription_line": "#{id}: {topic}",
        "subscription_everything": "हर नया लेख",
        "subscription_paused": "रुकी हुई",
        "unsubscribe_usage": "उपयोग: <code>/unsubscribe ID</code> (ID /subscriptions में हैं) "
        "या <code>/unsubscribe all</code>।",
        "unsubscribed": "#{id} की सदस्यता हटा दी गई।",
        "unsubscribed_all": "इस चैट की सभी {count} सदस्यताएँ हटा दी गईं।",
        "unsubscribe_missing": "इस चैट में सदस्यता #{id} नहीं है।",
        "alert_topic": "🔔 <i>{topic}</i> पर नया",
        "alert_everything": "🔔 नया लेख",
        "cmd_subscribe": "किसी ख़बर पर नज़र: नए लेखों की सूचना",
        "cmd_subscriptions": "इस चैट की सदस्यताएँ",
        "cmd_unsubscribe": "सदस्यता हटाइए (ID या all)",
    },
    "vi": {
        "subscribed": "Đã đăng ký (#{id}): tôi sẽ báo khi có bài mới về <i>{topic}</i>, "
        "bằng bất kỳ ngôn ngữ nào.",
        "subscribed_all": "Đã đăng ký (#{id}): tôi sẽ báo mọi bài mới.",
        "subscribe_admins_only": "Trong nhóm, chỉ quản trị viên mới thay đổi được đăng ký.",
        "subscribe_too_long": "Chủ đề dài {length} ký tự; giới hạn là {limit}.",
        "subscribe_too_many": "Cuộc trò chuyện này đã có {limit} đăng ký, mức tối đa. "
        "Hãy xóa bớt bằng /unsubscribe trước.",
        "subscribe_duplicate": "Cuộc trò chuyện này đã đăng ký chủ đề đó (#{id}).",
        "subscriptions_none": "Chưa có đăng ký nào. <code>/subscribe chủ đề</code> để theo dõi "
        "một tin; chỉ <code>/subscribe</code> để theo dõi mọi bài mới.",
        "subscriptions_title": "<b>Đăng ký</b>",
        "subscription_line": "#{id}: {topic}",
        "subscription_everything": "mọi bài mới",
        "subscription_paused": "tạm dừng",
        "unsubscribe_usage": "Cách dùng: <code>/unsubscribe ID</code> (ID có trong "
        "/subscriptions) hoặc <code>/unsubscribe all</code>.",
        "unsubscribed": "Đã hủy đăng ký #{id}.",
        "unsubscribed_all": "Đã xóa cả {count} đăng ký của cuộc trò chuyện này.",
        "unsubscribe_missing": "Không có đăng ký #{id} trong cuộc trò chuyện này.",
        "alert_topic": "🔔 Tin mới về <i>{topic}</i>",
        "alert_everything": "🔔 Bài mới",
        "cmd_subscribe": "theo dõi một tin: báo bài mới",
        "cmd_subscriptions": "các đăng ký của cuộc trò chuyện",
        "cmd_unsubscribe": "hủy theo dõi (ID hoặc all)",
    },
    "ru": {
        "subscribed": "Подписка оформлена (#{id}): сообщу о новой статье на тему "
        "<i>{topic}</i> на любом языке.",
        "subscribed_all": "Подписка оформлена (#{id}): сообщу о каждой новой статье.",
        "subscribe_admins_only": "В группе подписками управляют только её администраторы.",
        "subscribe_too_long": "В теме {length} символов; предел — {limit}.",
        "subscribe_too_many": "В этом чате уже {limit} подписок — это максимум. Сначала "
        "удалите одну через /unsubscribe.",
        "subscribe_duplicate": "Этот чат уже подписан на это (#{id}).",
        "subscriptions_none": "Подписок нет. <code>/subscribe тема</code> — следить за "
        "сюжетом; просто <code>/subscribe</code> — за всеми новыми статьями.",
        "subscriptions_title": "<b>Подписки</b>",
        "subscription_line": "#{id}: {topic}",
        "subscription_everything": "все новые статьи",
        "subscription_paused": "приостановлена",
        "unsubscribe_usage": "Использование: <code>/unsubscribe ID</code> (ID — в "
        "/subscriptions) или <code>/unsubscribe all</code>.",
        "unsubscribed": "Подписка #{id} отменена.",
        "unsubscribed_all": "Удалены все подписки этого чата ({count}).",
        "unsubscribe_missing": "В этом чате нет подписки #{id}.",
        "alert_topic": "🔔 Новое по теме <i>{topic}</i>",
        "alert_everything": "🔔 Новая статья",
        "cmd_subscribe": "следить за сюжетом: оповещения о статьях",
        "cmd_subscriptions": "подписки этого чата",
        "cmd_unsubscribe": "отписаться (ID или all)",
    },
}
