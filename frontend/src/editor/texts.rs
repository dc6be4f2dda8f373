//! The editor's words, in one place.

pub const NO_ROWS: &str = "Строк пока нет";
pub const ADD_ROW: &str = "Добавить строку";
pub const DELETE_ROW: &str = "Удалить строку";
pub const LOCKED_CELL: &str = "Эта ячейка заполнена заранее и не изменяется";
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
