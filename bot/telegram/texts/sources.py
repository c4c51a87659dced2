"""The bot's words for sources, reindexing and admin commands, in every language of texts."""

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "not_admin": "Sorry, only the bot's admins can manage sources.",
        "addsource_usage": "Usage: <code>/addsource URL [name]</code>, with the URL of an "
        "RSS/Atom feed or of a web page.",
        "source_checking": "Checking {url}…",
        "source_added": "Added source #{id}: {kind} <b>{name}</b>. Fetching it now…",
        "source_refused": "Could not add {url}: {reason}",
        "sources_none": "No sources yet. Add one with <code>/addsource URL</code>.",
        "sources_title": "<b>Sources</b>",
        "source_line": "#{id} {kind} <b>{name}</b>: {articles} articles, last fetch {fetched}",
        "source_error_line": "last error: {error}",
        "never": "never",
        "removesource_usage": "Usage: <code>/removesource ID</code> (the ids are in /sources); "
        "add <code>purge</code> to delete its articles too.",
        "source_removed": "Removed source #{id} <b>{name}</b>; its articles stay searchable.",
        "source_purged": "Removed source #{id} <b>{name}</b> and its {count} articles.",
        "source_missing": "There is no source #{id}; /sources lists them.",
        "reindex_started": "Reindexing…",
        "reindex_progress": "Reindexing: {done} of {total} articles, {passages} passages embedded…",
        "rebuild_progress": "Rebuilding the whole index: {done} of {total} articles…",
        "reindex_done": "Reindex finished: {new} new, {changed} changed, {unchanged} "
        "unchanged, {failed} failed; {passages} passages embedded.",
        "reindex_failures": "Failed:",
        "reindex_busy": "A reindex is already running; wait for it to finish.",
        "reindex_crashed": "The reindex stopped with an error. What was indexed stays "
        "searchable; run /reindex again to finish the rest.",
        "cmd_addsource": "admins: follow a feed or page",
        "cmd_sources": "admins: list sources",
        "cmd_removesource": "admins: stop following a source",
        "cmd_reindex": "admins: fetch sources now",
    },
    "hi": {
        "not_admin": "माफ़ कीजिए, स्रोतों का प्रबंधन केवल बॉट के एडमिन कर सकते हैं।",
        "addsource_usage": "उपयोग: <code>/addsource URL [नाम]</code>, किसी RSS/Atom फ़ीड या "
        "वेब पेज के URL के साथ।",
        "source_checking": "{url} की जाँच हो रही है…",
        "source_added": "स्रोत #{id} जोड़ा गया: {kind} <b>{name}</b>। अभी इसे लाया जा रहा है…",
        "source_refused": "{url} नहीं जोड़ा जा सका: {reason}",
        "sources_none": "अभी कोई स्रोत नहीं है। <code>/addsource URL</code> से जोड़िए।",
        "sources_title": "<b>स्रोत</b>",
        "source_line": "#{id} {kind} <b>{name}</b>: {articles} लेख, आख़िरी बार लाया गया {fetched}",
        "source_error_line": "आख़िरी त्रुटि: {error}",
        "never": "कभी नहीं",
        "removesource_usage": "उपयोग: <code>/removesource ID</code> (ID /sources में हैं); "
        "इसके लेख भी हटाने के लिए <code>purge</code> जोड़िए।",
        "source_removed": "स्रोत #{id} <b>{name}</b> हटाया गया; इसके लेख खोज में बने रहेंगे।",
        "source_purged": "स्रोत #{id} <b>{name}</b> और इसके {count} लेख हटाए गए।",
        "source_missing": "स्रोत #{id} मौजूद नहीं है; /sources सूची दिखाता है।",
        "reindex_started": "फिर से इंडेक्स किया जा रहा है…",
        "reindex_progress": "इंडेक्सिंग: {total} में से {done} लेख, {passages} अंश एम्बेड हुए…",
        "rebuild_progress": "पूरा इंडेक्स फिर से बन रहा है: {total} में से {done} लेख…",
        "reindex_done": "इंडेक्सिंग पूरी: {new} नए, {changed} बदले, {unchanged} अपरिवर्तित, "
        "{failed} विफल; {passages} अंश एम्बेड हुए।",
        "reindex_failures": "विफल:",
        "reindex_busy": "इंडेक्सिंग पहले से चल रही है; उसके पूरा होने की प्रतीक्षा कीजिए।",
        "reindex_crashed": "इंडेक्सिंग एक त्रुटि से रुक गई। जो इंडेक्स हो चुका है वह खोज में "
        "रहेगा; बाक़ी पूरा करने के लिए /reindex फिर चलाइए।",
        "cmd_addsource": "एडमिन: फ़ीड या पेज जोड़िए",
        "cmd_sources": "एडमिन: स्रोतों की सूची",
        "cmd_removesource": "एडमिन: स्रोत हटाइए",
        "cmd_reindex": "एडमिन: स्रोत अभी लाइए",
    },
    "vi": {
        "not_admin": "Xin lỗi, chỉ quản trị viên của bot mới quản lý được nguồn tin.",
        "addsource_usage": "Cách dùng: <code>/addsource URL [tên]</code>, với URL của một "
        "nguồn RSS/Atom hoặc một trang web.",
        "source_checking": "Đang kiểm tra {url}…",
        "source_added": "Đã thêm nguồn #{id}: {kind} <b>{name}</b>. Đang tải về…",
        "source_refused": "Không thể thêm {url}: {reason}",
        "sources_none": "Chưa có nguồn nào. Thêm bằng <code>/addsource URL</code>.",
        "sources_title": "<b>Nguồn tin</b>",
        "source_line": "#{id} {kind} <b>{name}</b>: {articles} bài, tải lần cuối {fetched}",
        "source_error_line": "lỗi gần nhất: {error}",
        "never": "chưa bao giờ",
        "removesource_usage": "Cách dùng: <code>/removesource ID</code> (ID có trong "
        "/sources); thêm <code>purge</code> để xóa cả các bài của nguồn.",
        "source_removed": "Đã gỡ nguồn #{id} <b>{name}</b>; các bài của nó vẫn tìm được.",
        "source_purged": "Đã gỡ nguồn #{id} <b>{name}</b> và {count} bài của nó.",
        "source_missing": "Không có nguồn #{id}; /sources liệt kê các nguồn.",
        "reindex_started": "Đang lập chỉ mục lại…",
        "reindex_progress": "Đang lập chỉ mục: {done}/{total} bài, đã nhúng {passages} đoạn…",
        "rebuild_progress": "Đang dựng lại toàn bộ chỉ mục: {done}/{total} bài…",
        "reindex_done": "Đã xong: {new} mới, {changed} thay đổi, {unchanged} không đổi, "
        "{failed} lỗi; đã nhúng {passages} đoạn.",
        "reindex_failures": "Lỗi:",
        "reindex_busy": "Đang có một lần lập chỉ mục chạy; hãy đợi nó xong.",
        "reindex_crashed": "Việc lập chỉ mục dừng vì lỗi. Những gì đã lập chỉ mục vẫn tìm được; "
        "chạy lại /reindex để hoàn tất phần còn lại.",
        "cmd_addsource": "quản trị: theo dõi nguồn RSS hoặc trang",
        "cmd_sources": "quản trị: danh sách nguồn",
        "cmd_removesource": "quản trị: bỏ theo dõi nguồn",
        "cmd_reindex": "quản trị: tải các nguồn ngay",
    },
    "ru": {
        "not_admin": "Извините, управлять источниками могут только администраторы бота.",
        "addsource_usage": "Использование: <code>/addsource URL [название]</code>, где URL — "
        "лента RSS/Atom или веб-страница.",
        "source_checking": "Проверяю {url}…",
        "source_added": "Добавлен источник #{id}: {kind} <b>{name}</b>. Загружаю…",
        "source_refused": "Не удалось добавить {url}: {reason}",
        "sources_none": "Источников пока нет. Добавьте: <code>/addsource URL</code>.",
        "sources_title": "<b>Источники</b>",
        "source_line": "#{id} {kind} <b>{name}</b>: статей {articles}, последняя загрузка "
        "{fetched}",
        "source_error_line": "последняя ошибка: {error}",
        "never": "никогда",
        "removesource_usage": "Использование: <code>/removesource ID</code> (ID — в /sources); "
        "добавьте <code>purge</code>, чтобы удалить и его статьи.",
        "source_removed": "Источник #{id} <b>{name}</b> удалён; его статьи остаются в поиске.",
        "source_purged": "Источник #{id} <b>{name}</b> удалён вместе со статьями ({count}).",
        "source_missing": "Источника #{id} нет; список — в /sources.",
        "reindex_started": "Переиндексация…",
        "reindex_progress": "Переиндексация: {done} из {total} статей, фрагментов: {passages}…",
        "rebuild_progress": "Пересборка всего индекса: {done} из {total} статей…",
        "reindex_done": "Переиндексация завершена: новых {new}, изменённых {changed}, "
        "без изменений {unchanged}, ошибок {failed}; фрагментов: {passages}.",
        "reindex_failures": "Ошибки:",
        "reindex_busy": "Переиндексация уже идёт; дождитесь её окончания.",
        "reindex_crashed": "Переиндексация остановилась из-за ошибки. Проиндексированное "
        "остаётся в поиске; запустите /reindex снова, чтобы закончить.",
        "cmd_addsource": "админы: добавить ленту или страницу",
        "cmd_sources": "админы: список источников",
        "cmd_removesource": "админы: удалить источник",
        "cmd_reindex": "админы: загрузить источники сейчас",
    },
}
