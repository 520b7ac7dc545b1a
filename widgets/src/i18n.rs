//! The widgets' own words in the six UN languages. Code-list labels (forms, sectors, kinds,
//! treaty statuses, ...) are not here: they come from the API's `taxonomy(lang)` and
//! `facets(lang)`, so one table serves the API and the widgets.

/// A UN language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Ar,
    Zh,
    En,
    Fr,
    Ru,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 6] = [Lang::Ar, Lang::Zh, Lang::En, Lang::Fr, Lang::Ru, Lang::Es];

    /// Reads a BCP 47 tag (`fr`, `fr-CA`, `zh-Hans-CN`, `AR`); other languages give `None`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Some(match primary.as_str() {
            "ar" => Lang::Ar,
            "zh" => Lang::Zh,
            "en" => Lang::En,
            "fr" => Lang::Fr,
            "ru" => Lang::Ru,
            "es" => Lang::Es,
            _ => return None,
        })
    }

    /// The widget's language: the `lang` the loader found (the element's own, an ancestor's,
    /// or the page's), English when that is not a UN language.
    pub fn resolve(tag: Option<&str>) -> Lang {
        tag.and_then(Lang::parse).unwrap_or(Lang::En)
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Ru => "ru",
            Lang::Es => "es",
        }
    }

    /// Text direction: Arabic is written right to left.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar {
            "rtl"
        } else {
            "ltr"
        }
    }

    pub fn ui(self) -> &'static Ui {
        match self {
            Lang::Ar => &AR,
            Lang::Zh => &ZH,
            Lang::En => &EN,
            Lang::Fr => &FR,
            Lang::Ru => &RU,
            Lang::Es => &ES,
        }
    }
}

/// Every string the widgets show. `{n}` and `{x}` are replaced with [`fill`].
#[derive(Debug)]
pub struct Ui {
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub filters: &'static str,
    pub facet_kind: &'static str,
    pub facet_countries: &'static str,
    pub facet_regions: &'static str,
    pub facet_forms: &'static str,
    pub facet_sectors: &'static str,
    pub facet_target_groups: &'static str,
    pub facet_pillars: &'static str,
    pub year_from: &'static str,
    pub year_to: &'static str,
    pub active_filters: &'static str,
    pub remove_filter: &'static str,
    pub clear_all: &'static str,
    pub fixed_filter: &'static str,
    pub results_count: &'static str,
    pub loading: &'static str,
    pub no_results: &'static str,
    pub load_error: &'static str,
    pub retry: &'static str,
    pub pages: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub page_n: &'static str,
    pub show_all: &'static str,
    pub show_fewer: &'static str,
    pub source: &'static str,
    pub sources: &'static str,
    pub global: &'static str,
    pub treaty_status: &'static str,
    pub instrument: &'static str,
    pub status: &'static str,
    pub laws: &'static str,
    pub practices: &'static str,
    pub cases: &'static str,
    pub records_by_kind: &'static str,
    pub latest_practices: &'static str,
    pub latest_cases: &'static str,
    pub none_yet: &'static str,
    pub enacted: &'static str,
    pub year: &'static str,
    pub lead_organisation: &'static str,
    pub court_or_agency: &'static str,
    pub convictions: &'static str,
    pub victims_identified: &'static str,
    pub forms: &'static str,
    pub target_groups: &'static str,
    pub sectors: &'static str,
    pub pillars: &'static str,
    pub data_from: &'static str,
    /// "as of June 2023": `{m}` is the month's name, `{y}` the year.
    pub as_of: &'static str,
    pub months: [&'static str; 12],
    /// Heading of a member state's statement that it has no specific law.
    pub no_law: &'static str,
}

/// "as of June 2023" in the widget's language, from an ISO date (`2023-06-13`).
pub fn as_of(ui: &Ui, iso_date: &str) -> Option<String> {
    let mut parts = iso_date.split('-');
    let year = parts.next()?;
    let month: usize = parts.next()?.parse().ok()?;
    let name = ui.months.get(month.checked_sub(1)?)?;
    Some(ui.as_of.replace("{m}", name).replace("{y}", year))
}

/// Replaces `{n}` and `{x}` in a template.
pub fn fill(template: &str, n: impl std::fmt::Display, x: &str) -> String {
    template.replace("{n}", &n.to_string()).replace("{x}", x)
}

pub static EN: Ui = Ui {
    search_label: "Search laws, practices and cases",
    search_placeholder: "Search…",
    filters: "Filters",
    facet_kind: "Record type",
    facet_countries: "Country",
    facet_regions: "Region",
    facet_forms: "Form of trafficking",
    facet_sectors: "Sector",
    facet_target_groups: "Target group",
    facet_pillars: "Pillar (4P)",
    year_from: "From year",
    year_to: "To year",
    active_filters: "Active filters",
    remove_filter: "Remove filter: {x}",
    clear_all: "Clear all",
    fixed_filter: "{x} (fixed)",
    results_count: "Records found: {n}",
    loading: "Loading…",
    no_results: "No records match. Try other words or fewer filters.",
    load_error: "The records could not be loaded ({x}).",
    retry: "Try again",
    pages: "Pages",
    previous: "Previous",
    next: "Next",
    page_n: "Page {n}",
    show_all: "Show all ({n})",
    show_fewer: "Show fewer",
    source: "Source",
    sources: "Sources",
    global: "Global",
    treaty_status: "Treaty status",
    instrument: "Instrument",
    status: "Status",
    laws: "Laws",
    practices: "Practices",
    cases: "Cases",
    records_by_kind: "Records by type",
    latest_practices: "Latest practices",
    latest_cases: "Latest cases",
    none_yet: "None recorded yet.",
    enacted: "Enacted {n}",
    year: "Year",
    lead_organisation: "Lead organisation",
    court_or_agency: "Court or agency",
    convictions: "Convictions",
    victims_identified: "Victims identified",
    forms: "Forms of trafficking",
    target_groups: "Target groups",
    sectors: "Sectors",
    pillars: "Pillars",
    data_from: "Data: TIP Exchange",
    as_of: "as of {m} {y}",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    no_law: "No specific anti-trafficking offence recorded",
};

pub static FR: Ui = Ui {
    search_label: "Rechercher des lois, pratiques et affaires",
    search_placeholder: "Rechercher…",
    filters: "Filtres",
    facet_kind: "Type de fiche",
    facet_countries: "Pays",
    facet_regions: "Région",
    facet_forms: "Forme de traite",
    facet_sectors: "Secteur",
    facet_target_groups: "Groupe cible",
    facet_pillars: "Pilier (4P)",
    year_from: "À partir de l’année",
    year_to: "Jusqu’à l’année",
    active_filters: "Filtres actifs",
    remove_filter: "Retirer le filtre : {x}",
    clear_all: "Tout effacer",
    fixed_filter: "{x} (fixe)",
    results_count: "Fiches trouvées : {n}",
    loading: "Chargement…",
    no_results: "Aucune fiche ne correspond. Essayez d’autres mots ou moins de filtres.",
    load_error: "Les fiches n’ont pas pu être chargées ({x}).",
    retry: "Réessayer",
    pages: "Pages",
    previous: "Précédente",
    next: "Suivante",
    page_n: "Page {n}",
    show_all: "Tout afficher ({n})",
    show_fewer: "Afficher moins",
    source: "Source",
    sources: "Sources",
    global: "Mondial",
    treaty_status: "Statut des traités",
    instrument: "Instrument",
    status: "Statut",
    laws: "Lois",
    practices: "Pratiques",
    cases: "Affaires",
    records_by_kind: "Fiches par type",
    latest_practices: "Pratiques récentes",
    latest_cases: "Affaires récentes",
    none_yet: "Rien n’est encore enregistré.",
    enacted: "Adoptée en {n}",
    year: "Année",
    lead_organisation: "Organisation responsable",
    court_or_agency: "Juridiction ou organisme",
    convictions: "Condamnations",
    victims_identified: "Victimes identifiées",
    forms: "Formes de traite",
    target_groups: "Groupes cibles",
    sectors: "Secteurs",
    pillars: "Piliers",
    data_from: "Données : TIP Exchange",
    as_of: "situation en {m} {y}",
    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    no_law: "Aucune infraction spécifique de traite enregistrée",
};

pub static ES: Ui = Ui {
    search_label: "Buscar leyes, prácticas y casos",
    search_placeholder: "Buscar…",
    filters: "Filtros",
    facet_kind: "Tipo de registro",
    facet_countries: "País",
    facet_regions: "Región",
    facet_forms: "Forma de trata",
    facet_sectors: "Sector",
    facet_target_groups: "Grupo destinatario",
    facet_pillars: "Pilar (4P)",
    year_from: "Desde el año",
    year_to: "Hasta el año",
    active_filters: "Filtros activos",
    remove_filter: "Quitar filtro: {x}",
    clear_all: "Borrar todo",
    fixed_filter: "{x} (fijo)",
    results_count: "Registros encontrados: {n}",
    loading: "Cargando…",
    no_results: "Ningún registro coincide. Pruebe otras palabras o menos filtros.",
    load_error: "No se pudieron cargar los registros ({x}).",
    retry: "Reintentar",
    pages: "Páginas",
    previous: "Anterior",
    next: "Siguiente",
    page_n: "Página {n}",
    show_all: "Mostrar todo ({n})",
    show_fewer: "Mostrar menos",
    source: "Fuente",
    sources: "Fuentes",
    global: "Mundial",
    treaty_status: "Situación de los tratados",
    instrument: "Instrumento",
    status: "Situación",
    laws: "Leyes",
    practices: "Prácticas",
    cases: "Casos",
    records_by_kind: "Registros por tipo",
    latest_practices: "Prácticas recientes",
    latest_cases: "Casos recientes",
    none_yet: "Aún no hay registros.",
    enacted: "Promulgada en {n}",
    year: "Año",
    lead_organisation: "Organización responsable",
    court_or_agency: "Tribunal u organismo",
    convictions: "Condenas",
    victims_identified: "Víctimas identificadas",
    forms: "Formas de trata",
    target_groups: "Grupos destinatarios",
    sectors: "Sectores",
    pillars: "Pilares",
    data_from: "Datos: TIP Exchange",
    as_of: "a {m} de {y}",
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    no_law: "No consta un delito específico de trata",
};

pub static RU: Ui = Ui {
    search_label: "Поиск законов, практик и дел",
    search_placeholder: "Поиск…",
    filters: "Фильтры",
    facet_kind: "Тип записи",
    facet_countries: "Страна",
    facet_regions: "Регион",
    facet_forms: "Форма торговли людьми",
    facet_sectors: "Отрасль",
    facet_target_groups: "Целевая группа",
    facet_pillars: "Направление (4P)",
    year_from: "С года",
    year_to: "До года",
    active_filters: "Выбранные фильтры",
    remove_filter: "Убрать фильтр: {x}",
    clear_all: "Сбросить все",
    fixed_filter: "{x} (закреплено)",
    results_count: "Найдено записей: {n}",
    loading: "Загрузка…",
    no_results: "Записей не найдено. Попробуйте другие слова или меньше фильтров.",
    load_error: "Не удалось загрузить записи ({x}).",
    retry: "Повторить",
    pages: "Страницы",
    previous: "Назад",
    next: "Вперёд",
    page_n: "Страница {n}",
    show_all: "Показать все ({n})",
    show_fewer: "Показать меньше",
    source: "Источник",
    sources: "Источники",
    global: "Глобальная",
    treaty_status: "Участие в договорах",
    instrument: "Документ",
    status: "Статус",
    laws: "Законы",
    practices: "Практики",
    cases: "Дела",
    records_by_kind: "Записи по типам",
    latest_practices: "Последние практики",
    latest_cases: "Последние дела",
    none_yet: "Пока ничего не внесено.",
    enacted: "Принят в {n}",
    year: "Год",
    lead_organisation: "Ведущая организация",
    court_or_agency: "Суд или орган",
    convictions: "Обвинительные приговоры",
    victims_identified: "Выявлено пострадавших",
    forms: "Формы торговли людьми",
    target_groups: "Целевые группы",
    sectors: "Отрасли",
    pillars: "Направления",
    data_from: "Данные: TIP Exchange",
    as_of: "по состоянию на {m} {y} г.",
    months: [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ],
    no_law: "Отдельный состав торговли людьми не зафиксирован",
};

pub static ZH: Ui = Ui {
    search_label: "搜索法律、做法和案例",
    search_placeholder: "搜索…",
    filters: "筛选",
    facet_kind: "记录类型",
    facet_countries: "国家",
    facet_regions: "区域",
    facet_forms: "贩运形式",
    facet_sectors: "行业",
    facet_target_groups: "目标群体",
    facet_pillars: "支柱（4P）",
    year_from: "起始年份",
    year_to: "截止年份",
    active_filters: "已选筛选条件",
    remove_filter: "移除筛选条件：{x}",
    clear_all: "全部清除",
    fixed_filter: "{x}（固定）",
    results_count: "找到的记录：{n}",
    loading: "正在加载…",
    no_results: "没有匹配的记录。请尝试其他词语或减少筛选条件。",
    load_error: "无法加载记录（{x}）。",
    retry: "重试",
    pages: "页码",
    previous: "上一页",
    next: "下一页",
    page_n: "第 {n} 页",
    show_all: "显示全部（{n}）",
    show_fewer: "收起",
    source: "来源",
    sources: "来源",
    global: "全球",
    treaty_status: "条约状况",
    instrument: "文书",
    status: "状况",
    laws: "法律",
    practices: "做法",
    cases: "案例",
    records_by_kind: "按类型统计的记录",
    latest_practices: "最新做法",
    latest_cases: "最新案例",
    none_yet: "尚无记录。",
    enacted: "{n} 年颁布",
    year: "年份",
    lead_organisation: "牵头组织",
    court_or_agency: "法院或机构",
    convictions: "定罪人数",
    victims_identified: "识别的受害者",
    forms: "贩运形式",
    target_groups: "目标群体",
    sectors: "行业",
    pillars: "支柱",
    data_from: "数据：TIP Exchange",
    as_of: "截至{y}年{m}",
    months: [
        "1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月",
    ],
    no_law: "未记录专门的贩运人口罪",
};

pub static AR: Ui = Ui {
    search_label: "البحث في القوانين والممارسات والقضايا",
    search_placeholder: "بحث…",
    filters: "عوامل التصفية",
    facet_kind: "نوع السجل",
    facet_countries: "البلد",
    facet_regions: "المنطقة",
    facet_forms: "شكل الاتجار",
    facet_sectors: "القطاع",
    facet_target_groups: "الفئة المستهدفة",
    facet_pillars: "الركيزة (4P)",
    year_from: "من سنة",
    year_to: "إلى سنة",
    active_filters: "عوامل التصفية النشطة",
    remove_filter: "إزالة عامل التصفية: {x}",
    clear_all: "مسح الكل",
    fixed_filter: "{x} (ثابت)",
    results_count: "السجلات التي عُثر عليها: {n}",
    loading: "جارٍ التحميل…",
    no_results: "لا توجد سجلات مطابقة. جرّب كلمات أخرى أو عوامل تصفية أقل.",
    load_error: "تعذّر تحميل السجلات ({x}).",
    retry: "إعادة المحاولة",
    pages: "الصفحات",
    previous: "السابق",
    next: "التالي",
    page_n: "الصفحة {n}",
    show_all: "عرض الكل ({n})",
    show_fewer: "عرض أقل",
    source: "المصدر",
    sources: "المصادر",
    global: "عالمي",
    treaty_status: "حالة المعاهدات",
    instrument: "الصك",
    status: "الحالة",
    laws: "القوانين",
    practices: "الممارسات",
    cases: "القضايا",
    records_by_kind: "السجلات حسب النوع",
    latest_practices: "أحدث الممارسات",
    latest_cases: "أحدث القضايا",
    none_yet: "لم يُسجَّل شيء بعد.",
    enacted: "صدر عام {n}",
    year: "السنة",
    lead_organisation: "المنظمة الرائدة",
    court_or_agency: "المحكمة أو الجهة",
    convictions: "الإدانات",
    victims_identified: "الضحايا الذين تم تحديدهم",
    forms: "أشكال الاتجار",
    target_groups: "الفئات المستهدفة",
    sectors: "القطاعات",
    pillars: "الركائز",
    data_from: "البيانات: TIP Exchange",
    as_of: "حتى {m} {y}",
    months: [
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ],
    no_law: "لا توجد جريمة محددة للاتجار بالأشخاص مسجلة",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_resolve_to_un_languages_and_default_to_english() {
        assert_eq!(Lang::resolve(Some("fr-CA")), Lang::Fr);
        assert_eq!(Lang::resolve(Some("zh-Hans-CN")), Lang::Zh);
        assert_eq!(Lang::resolve(Some("AR")), Lang::Ar);
        assert_eq!(Lang::resolve(Some("de")), Lang::En);
        assert_eq!(Lang::resolve(Some("")), Lang::En);
        assert_eq!(Lang::resolve(None), Lang::En);
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::Ru.dir(), "ltr");
    }
}

#[cfg(test)]
mod placeholder_tests {
    use super::*;

    #[test]
    fn every_translation_keeps_the_placeholders_of_its_template() {
        for lang in Lang::ALL {
            let ui = lang.ui();
            let templates = [
                (ui.remove_filter, "{x}"),
                (ui.fixed_filter, "{x}"),
                (ui.results_count, "{n}"),
                (ui.load_error, "{x}"),
                (ui.page_n, "{n}"),
                (ui.show_all, "{n}"),
                (ui.enacted, "{n}"),
            ];
            for (text, placeholder) in templates {
                assert!(
                    text.contains(placeholder),
                    "{lang:?}: '{text}' lacks {placeholder}"
                );
            }
            assert_eq!(
                fill(ui.results_count, 42, "").matches("42").count(),
                1,
                "{lang:?}"
            );
        }
    }
}
