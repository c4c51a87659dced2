"""The bot's words for errors, by error code (index/errors.py), in every language of texts.

A code without its own text falls back to its class's ancestors' (`error_text` in
bot/telegram/chat.py)."""

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "error_input": "That cannot be used here.",
        "error_no_text": "There is no readable article text there.",
        "error_source": "This cannot be followed as a source.",
        "error_url_refused": "I only read public http(s) addresses.",
        "error_fetch_failed": "the page could not be fetched.",
        "error_fetch_status": "the server answered with error {status}.",
        "error_fetch_timeout": "the server did not answer within {seconds} s.",
        "error_fetch_type": "it is {type}, not a feed or a web page.",
        "error_feed_invalid": "this is not a valid RSS or Atom feed.",
        "error_source_duplicate": "this is already source #{id} ({name}).",
        "error_writer_locked": "Another newsbot process is writing to the index; try again "
        "when it has finished.",
        "error_model_mismatch": "The articles were indexed with another model. An admin must "
        "run <code>/reindex full</code>.",
        "error_store_unavailable": "The index cannot be read right now; the admins can see why "
        "in the log.",
        "error_store_drift": "The index has lost some of its passages, so I cannot search it "
        "properly. An admin must run <code>/reindex full</code>.",
    },
    "hi": {
        "error_input": "इसका यहाँ उपयोग नहीं हो सकता।",
        "error_no_text": "वहाँ पढ़ने योग्य लेख का पाठ नहीं है।",
        "error_source": "इसे स्रोत के रूप में फ़ॉलो नहीं किया जा सकता।",
        "error_url_refused": "मैं केवल सार्वजनिक http(s) पते पढ़ता हूँ।",
        "error_fetch_failed": "पेज प्राप्त नहीं किया जा सका।",
        "error_fetch_status": "सर्वर ने त्रुटि {status} लौटाई।",
        "error_fetch_timeout": "सर्वर ने {seconds} सेकंड में जवाब नहीं दिया।",
        "error_fetch_type": "यह {type} है, फ़ीड या वेब पेज नहीं।",
        "error_feed_invalid": "यह मान्य RSS या Atom फ़ीड नहीं है।",
        "error_source_duplicate": "यह पहले से स्रोत #{id} ({name}) है।",
        "error_writer_locked": "कोई दूसरी newsbot प्रक्रिया इंडेक्स में लिख रही है; उसके पूरा "
        "होने पर फिर कोशिश करें।",
        "error_model_mismatch": "लेख किसी दूसरे मॉडल से इंडेक्स किए गए थे। किसी एडमिन को "
        "<code>/reindex full</code> चलाना होगा।",
        "error_store_unavailable": "इंडेक्स अभी पढ़ा नहीं जा सकता; एडमिन लॉग में कारण देख सकते हैं।",
        "error_store_drift": "इंडेक्स के कुछ अंश खो गए हैं, इसलिए मैं इसे ठीक से खोज नहीं सकता। "
        "एडमिन को <code>/reindex full</code> चलाना होगा।",
    },
    "vi": {
        "error_input": "Không thể dùng điều này ở đây.",
        "error_no_text": "Ở đó không có nội dung bài báo đọc được.",
        "error_source": "Không thể theo dõi đây như một nguồn.",
        "error_url_refused": "Tôi chỉ đọc các địa chỉ http(s) công khai.",
        "error_fetch_failed": "không tải được trang.",
        "error_fetch_status": "máy chủ trả lời với lỗi {status}.",
        "error_fetch_timeout": "máy chủ không trả lời trong {seconds} giây.",
        "error_fetch_type": "đây là {type}, không phải nguồn cấp hay trang web.",
        "error_feed_invalid": "đây không phải là nguồn cấp RSS hoặc Atom hợp lệ.",
        "error_source_duplicate": "đây đã là nguồn #{id} ({name}).",
        "error_writer_locked": "Một tiến trình newsbot khác đang ghi vào chỉ mục; hãy thử lại "
        "khi nó xong.",
        "error_model_mismatch": "Các bài báo được lập chỉ mục bằng một mô hình khác. Quản trị "
        "viên cần chạy <code>/reindex full</code>.",
        "error_store_unavailable": "Hiện không thể đọc chỉ mục; quản trị viên có thể xem lý do "
        "trong nhật ký.",
        "error_store_drift": "Chỉ mục đã mất một phần đoạn văn nên tôi không thể tìm kiếm đúng. "
        "Quản trị viên cần chạy <code>/reindex full</code>.",
    },
    "ru": {
        "error_input": "Это здесь нельзя использовать.",
        "error_no_text": "Там нет читаемого текста статьи.",
        "error_source": "Это нельзя сделать источником.",
        "error_url_refused": "Я читаю только публичные адреса http(s).",
        "error_fetch_failed": "страницу не удалось загрузить.",
        "error_fetch_status": "сервер ответил ошибкой {status}.",
        "error_fetch_timeout": "сервер не ответил за {seconds} с.",
        "error_fetch_type": "это {type}, а не лента и не веб-страница.",
        "error_feed_invalid": "это не корректная RSS- или Atom-лента.",
        "error_source_duplicate": "это уже источник #{id} ({name}).",
        "error_writer_locked": "Другой процесс newsbot пишет в индекс; попробуйте снова, когда "
        "он закончит.",
        "error_model_mismatch": "Статьи проиндексированы другой моделью. Администратору нужно "
        "выполнить <code>/reindex full</code>.",
        "error_store_unavailable": "Индекс сейчас недоступен; причину администраторы увидят в "
        "журнале.",
        "error_store_drift": "Индекс потерял часть фрагментов, поэтому искать в нём нельзя. "
        "Администратору нужно выполнить <code>/reindex full</code>.",
    },
}
