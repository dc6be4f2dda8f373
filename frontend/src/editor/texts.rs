//! The editor's words (the grid and the form page around it), in one place.

pub const NO_ROWS: &str = "Строк пока нет";
pub const ADD_ROW: &str = "Добавить строку";
pub const DELETE_ROW: &str = "Удалить строку";
pub const CALENDAR: &str = "Календарь";
pub const PREVIOUS_MONTH: &str = "Предыдущий месяц";
pub const NEXT_MONTH: &str = "Следующий месяц";
pub const CHOICES: &str = "Варианты";
pub const NO_CHOICES: &str = "Нет подходящих значений";
pub const WEEKDAYS: [&str; 7] = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"];
pub const MONTHS: [&str; 12] = [
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
];
pub const OVERLAPS_TITLE: &str =
    "Эти ячейки изменены и здесь, и в другой вкладке или другим пользователем";
pub const KEEP_MINE: &str = "Оставить мое";
pub const TAKE_THEIRS: &str = "Взять другое";

// The form page.
pub const LOADING: &str = "Загрузка формы…";
pub const CLOSE_UNSAVED: &str =
    "Есть несохраненные изменения. Закрыть форму? Они сохранятся, когда появится связь.";
pub const SUBMIT_CONFIRM: &str = "Сдать отчёт? Данные формы будут переданы в ФИС ОКО.";
pub const READ_ONLY_FORM: &str = "Форма открыта только для просмотра";
pub const FIX_ERRORS: &str = "Исправьте ошибки, чтобы сдать отчёт";
pub const BLANK_FORM: &str = "Форма без данных, только просмотр";
pub const SAVE_DRAFT: &str = "Сохранить черновик";
pub const SUBMIT: &str = "Сдать отчет";
pub const DOWNLOAD_TEMPLATE: &str = "Скачать шаблон Excel";
pub const CLOSE: &str = "Закрыть";
pub const SHEETS: &str = "Листы формы";
/// On the tab of a sheet its condition leaves out.
pub const SHEET_OFF: &str = "(не заполняется)";
pub const READ_ONLY: &str = "Только просмотр";
pub const AUTOSAVE: &str = "Изменения сохраняются автоматически";
pub const SAVING: &str = "Сохранение…";
pub const OFFLINE: &str = "Нет связи с сервером — изменения сохранятся, когда связь вернётся";
pub const ERRORS: &str = "Ошибки";
pub const UPLOAD_ERRORS: &str = "Ошибки в загруженном файле (черновик не изменен)";
pub const DOWNLOAD_MARKED: &str = "Скачать файл с отметками ошибок";
pub const MARKED_HINT: &str =
    "Ваш файл с ошибками, залитыми красным; объяснение — в примечании к ячейке";

/// The marked file's name: the user's own with «ошибки» added.
pub fn marked_file_name(uploaded: &str) -> String {
    let stem = uploaded.rsplit_once('.').map_or(uploaded, |(stem, _)| stem);
    format!("{stem} — ошибки.xlsx")
}
pub const NO_ERRORS: &str = "В черновике ошибок нет";
pub const CHOOSE_TEMPLATE: &str = "Выберите файл шаблона";
pub const FILLED_TEMPLATE: &str = "Заполненный шаблон ";
pub const UPLOAD_TEMPLATE: &str = "Загрузить шаблон";

pub fn organisation_view(login: &str) -> String {
    format!("Организация {login}, только просмотр")
}

pub fn saved_at(time: &str) -> String {
    format!("Сохранено в {time} (мск)")
}

pub fn errors_count(count: usize) -> String {
    format!("Ошибки ({count})")
}

pub fn history(count: usize) -> String {
    format!("История сдачи ({count})")
}

pub fn sheet_rules(hint: &str) -> String {
    format!("Правила заполнения листа: {hint}")
}

pub fn both_values(mine: &str, theirs: &str) -> String {
    format!(": у вас «{mine}», в другой вкладке «{theirs}» ")
}

pub fn not_replayed(reason: &str) -> String {
    format!("Изменения, сделанные без связи, не сохранены: {reason}")
}

pub const NOT_SAVED_YET: &str = "Изменения еще не сохранены; попробуйте еще раз";
pub const YES_NO: [&str; 2] = ["Да", "Нет"];
pub const DATE_PLACEHOLDER: &str = "дд.мм.гггг";

pub fn cannot_undo(reason: &str) -> String {
    format!("Отменить нельзя: {reason}")
}

pub fn changed_elsewhere(reason: &str) -> String {
    format!("Черновик изменен в другой вкладке или другим пользователем; не сохранено: {reason}")
}

/// «Курс», строка 3 — under the grid.
pub fn cell_place(column: &str, row: u32) -> String {
    format!("«{column}», строка {row}")
}

/// The accessible name of a cell's input.
pub fn cell_label(column: &str, row: u32) -> String {
    format!("{column}, строка {row}")
}

/// What a screen reader says of a column's «i».
pub fn column_hint(title: &str, hint: &str) -> String {
    format!("Подсказка к столбцу «{title}»: {hint}")
}

/// A sheet tab with its errors: «РАБОТЫ НА БЛАНКЕ, ошибок: 2».
pub fn sheet_errors(count: usize) -> String {
    format!("ошибок: {count}")
}

pub const MERGED_SUBMIT_AGAIN: &str = "Черновик только что изменили в другой вкладке или другой сотрудник. Их изменения добавлены в таблицу. Сдать отчёт вместе с ними?";
pub const MERGED_LOOK: &str = "Черновик изменили в другой вкладке или другой сотрудник: их изменения добавлены в таблицу. Проверьте и нажмите «Сдать отчет» ещё раз";

/// The label of an unusual value's explanation.
pub const EXPLANATION: &str = "Пояснение к значению";
/// How the keyboard gets to the explanation from the grid.
pub const EXPLANATION_KEY: &str = "Shift+F2 из таблицы, Enter — обратно";
/// What the explanation's box suggests.
pub const EXPLANATION_PLACEHOLDER: &str = "Почему значение такое (например: открыли новый класс)";

/// An explanation as a coordinator reads it.
pub fn explanation_of(text: &str) -> String {
    format!("Пояснение организации: {text}")
}

/// File cells (`file_cell`).
pub const FILE_CELL: &str = "Файл:";
pub const NO_FILE: &str = "не прикреплен";
pub const ATTACH_FILE: &str = "Прикрепить файл";
pub const REPLACE_FILE: &str = "Заменить файл";
pub const DETACH_FILE: &str = "Открепить";
pub const DOWNLOAD_FILE: &str = "Скачать файл";
pub const ATTACHING: &str = "Файл загружается…";
pub const FILE_TYPES: &str = "PDF, JPEG, PNG, Word, Excel, LibreOffice, до 20 МиБ";
pub const DOWNLOAD_ARCHIVE: &str = "Скачать архив с файлами";

/// A name in a file cell that is not an attached file.
pub fn not_attached(name: &str) -> String {
    format!("«{name}» не прикреплен: прикрепите файл")
}

/// A file attached just now.
pub fn attached(name: &str) -> String {
    format!("Прикреплен файл «{name}»")
}

/// The title of a totals cell: «Итого: среднее по столбцу».
pub fn total_title(aggregate: &str) -> String {
    format!("Итого: {aggregate} по столбцу")
}
