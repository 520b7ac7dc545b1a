//! The portal's words in the six UN languages (order: ar, zh, en, fr, ru, es, as
//! [`Lang::ALL`]). Code-list labels (statuses, kinds, forms, …) come from the API's
//! `taxonomy(lang)`, as in the widgets.

use crate::i18n::Lang;

type Six = [&'static str; 6];

fn pick(lang: Lang, six: &Six) -> &'static str {
    let i = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(2);
    six[i]
}

/// The portal's own words, by key; the key itself when it is not in the table.
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    WORDS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, six)| pick(lang, six))
        .unwrap_or(key)
}

/// A field's label, by its name in the API's input (`startYear`, `evidence.design`).
pub fn field(lang: Lang, name: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, six)| pick(lang, six))
        .unwrap_or("")
}

/// `{}` in `template` replaced by `value`, once per call.
pub fn fill(template: &str, value: impl std::fmt::Display) -> String {
    template.replacen("{}", &value.to_string(), 1)
}

pub const WORDS: &[(&str, Six)] = &[
    ("contribute_title", ["المساهمة بسجلات", "提交记录", "Contribute records", "Contribuer des fiches", "Добавление записей", "Contribuir registros"]),
    ("review_title", ["مراجعة الطلبات", "审核提交", "Review submissions", "Examiner les soumissions", "Проверка представленных записей", "Revisar envíos"]),
    ("language", ["اللغة", "语言", "Language", "Langue", "Язык", "Idioma"]),
    ("key_label", ["مفتاح واجهة البرمجة الخاص بك", "您的 API 密钥", "Your API key", "Votre clé d’API", "Ваш ключ API", "Su clave de API"]),
    ("key_help", [
        "المفتاح الذي أعطاك إياه المسؤول. يُحفظ في علامة التبويب هذه فقط ويُنسى عند إغلاقها.",
        "管理员提供给您的密钥。它只保存在此浏览器标签页中，关闭后即被清除。",
        "The key your administrator gave you. It is kept in this browser tab only and forgotten when you close it.",
        "La clé remise par votre administrateur. Elle n’est gardée que dans cet onglet et oubliée à sa fermeture.",
        "Ключ, выданный вашим администратором. Он хранится только в этой вкладке и забывается при её закрытии.",
        "La clave que le dio su administrador. Se guarda solo en esta pestaña y se olvida al cerrarla.",
    ]),
    ("sign_in", ["تسجيل الدخول", "登录", "Sign in", "Se connecter", "Войти", "Iniciar sesión"]),
    ("sign_out", ["تسجيل الخروج", "退出", "Sign out", "Se déconnecter", "Выйти", "Cerrar sesión"]),
    ("key_refused", ["لم يُقبل هذا المفتاح.", "此密钥未被接受。", "This key was not accepted.", "Cette clé n’a pas été acceptée.", "Этот ключ не принят.", "Esta clave no fue aceptada."]),
    ("signed_in_as", ["مسجّل الدخول باسم {}", "当前身份：{}", "Signed in as {}", "Connecté en tant que {}", "Вы вошли как {}", "Sesión iniciada como {}"]),
    ("countries_of_key", ["البلدان: {}", "国家：{}", "Countries: {}", "Pays : {}", "Страны: {}", "Países: {}"]),
    ("not_contributor", [
        "لا يمكن لهذا المفتاح المساهمة بسجلات: اطلب مفتاح مساهم.",
        "此密钥不能提交记录：请申请贡献者密钥。",
        "This key cannot contribute records: ask for a contributor key.",
        "Cette clé ne permet pas de contribuer : demandez une clé de contributeur.",
        "С этим ключом нельзя добавлять записи: запросите ключ участника.",
        "Esta clave no permite contribuir: solicite una clave de colaborador.",
    ]),
    ("not_moderator", [
        "لا يمكن لهذا المفتاح مراجعة الطلبات: يلزم مفتاح مشرف أو مسؤول.",
        "此密钥不能审核提交：需要审核员或管理员密钥。",
        "This key cannot review submissions: a moderator or admin key is needed.",
        "Cette clé ne permet pas d’examiner les soumissions : il faut une clé de modérateur ou d’administrateur.",
        "С этим ключом нельзя проверять записи: нужен ключ модератора или администратора.",
        "Esta clave no permite revisar envíos: se necesita una clave de moderador o de administrador.",
    ]),
    ("new_law", ["قانون جديد", "新建法律", "New law", "Nouvelle loi", "Новый закон", "Nueva ley"]),
    ("new_practice", ["ممارسة جديدة", "新建做法", "New practice", "Nouvelle pratique", "Новая практика", "Nueva práctica"]),
    ("new_case", ["قضية جديدة", "新建案例", "New case", "Nouvelle affaire", "Новое дело", "Nuevo caso"]),
    ("your_drafts", ["مسوداتك وطلباتك", "您的草稿和提交", "Your drafts and submissions", "Vos brouillons et soumissions", "Ваши черновики и представленные записи", "Sus borradores y envíos"]),
    ("none_yet", ["لا شيء هنا بعد.", "这里还没有内容。", "Nothing here yet.", "Rien pour l’instant.", "Пока ничего нет.", "Todavía no hay nada."]),
    ("edit", ["تعديل", "编辑", "Edit", "Modifier", "Изменить", "Editar"]),
    ("open", ["فتح", "打开", "Open", "Ouvrir", "Открыть", "Abrir"]),
    ("sent_back", ["أعاده المشرفون: {}", "审核员退回：{}", "Sent back by the moderators: {}", "Renvoyé par les modérateurs : {}", "Возвращено модераторами: {}", "Devuelto por los moderadores: {}"]),
    ("save", ["حفظ المسودة", "保存草稿", "Save draft", "Enregistrer le brouillon", "Сохранить черновик", "Guardar borrador"]),
    ("saving", ["جارٍ الحفظ…", "正在保存…", "Saving…", "Enregistrement…", "Сохранение…", "Guardando…"]),
    ("saved", ["تم الحفظ (الإصدار {})", "已保存（版本 {}）", "Saved (version {})", "Enregistré (version {})", "Сохранено (версия {})", "Guardado (versión {})"]),
    ("autosave", [
        "بعد إنشاء المسودة، تُحفظ التغييرات تلقائيًا بعد ثوانٍ قليلة.",
        "草稿创建后，修改会在几秒后自动保存。",
        "Once the draft exists, changes are saved automatically a few seconds after you stop typing.",
        "Une fois le brouillon créé, les modifications sont enregistrées automatiquement quelques secondes après la saisie.",
        "После создания черновика изменения сохраняются автоматически через несколько секунд.",
        "Una vez creado el borrador, los cambios se guardan automáticamente unos segundos después de escribir.",
    ]),
    ("not_saved", ["لم يُحفظ: صحّح الحقول المعلَّمة.", "未保存：请更正标出的字段。", "Not saved: correct the marked fields.", "Non enregistré : corrigez les champs signalés.", "Не сохранено: исправьте отмеченные поля.", "No guardado: corrija los campos señalados."]),
    ("problems", ["مشكلات يجب تصحيحها: {}", "需要更正的问题：{}", "Problems to correct: {}", "Problèmes à corriger : {}", "Что нужно исправить: {}", "Problemas que corregir: {}"]),
    ("submit", ["إرسال للمراجعة", "提交审核", "Submit for review", "Soumettre pour examen", "Отправить на проверку", "Enviar a revisión"]),
    ("submitted", [
        "أُرسل للمراجعة. سينشره المشرفون أو يعيدونه مع ذكر السبب.",
        "已提交审核。审核员将发布它，或说明理由后退回。",
        "Submitted for review. The moderators will publish it or send it back with a reason.",
        "Soumis pour examen. Les modérateurs le publieront ou le renverront avec un motif.",
        "Отправлено на проверку. Модераторы опубликуют запись или вернут её с указанием причины.",
        "Enviado a revisión. Los moderadores lo publicarán o lo devolverán con un motivo.",
    ]),
    ("withdraw", ["سحب للتعديل", "撤回以编辑", "Withdraw to edit", "Retirer pour modifier", "Отозвать для правки", "Retirar para editar"]),
    ("back", ["العودة إلى القائمة", "返回列表", "Back to the list", "Retour à la liste", "Назад к списку", "Volver a la lista"]),
    ("conflict", [
        "غيّر أحدهم هذه المسودة منذ فتحتها (الإصدار الآن {}). نصك ما زال في النموذج. احفظ مجددًا للإبقاء على نصك.",
        "自您打开后，此草稿已被他人修改（现为版本 {}）。您的文字仍在表单中。再次保存即可保留您的文字。",
        "Someone changed this draft since you opened it (it is now version {}). Your text is still in the form. Save again to keep your text.",
        "Ce brouillon a été modifié depuis son ouverture (il est maintenant en version {}). Votre texte est toujours dans le formulaire. Enregistrez à nouveau pour le garder.",
        "Черновик изменили после того, как вы его открыли (теперь версия {}). Ваш текст остаётся в форме. Сохраните ещё раз, чтобы оставить его.",
        "Alguien modificó este borrador después de que lo abriera (ahora es la versión {}). Su texto sigue en el formulario. Guarde de nuevo para conservarlo.",
    ]),
    ("conflict_fields", ["الحقول التي تختلف عن النسخة المحفوظة: {}", "与已保存版本不同的字段：{}", "Fields that differ from the saved version: {}", "Champs qui diffèrent de la version enregistrée : {}", "Поля, отличающиеся от сохранённой версии: {}", "Campos que difieren de la versión guardada: {}"]),
    ("take_theirs", ["تحميل النسخة المحفوظة", "载入已保存的版本", "Load the saved version instead", "Charger plutôt la version enregistrée", "Загрузить сохранённую версию", "Cargar la versión guardada"]),
    ("personal_data", [
        "لا يجوز أن تحمل السجلات العامة بيانات شخصية: لا أسماء للضحايا أو أقاربهم، ولا عناوين بريد إلكتروني أو أرقام هواتف. صِف القضية بأرقام إجمالية واستشهد بمصدر مجهَّل الهوية.",
        "公开记录不得包含个人数据：不得出现受害者或其亲属的姓名、电子邮件地址或电话号码。请以汇总方式描述，并引用匿名化的来源。",
        "Public records may not carry personal data: no names of victims or their relatives, no email addresses or phone numbers. Describe the case in aggregate and cite an anonymised source.",
        "Les fiches publiques ne peuvent contenir de données personnelles : ni noms de victimes ou de leurs proches, ni adresses électroniques ou numéros de téléphone. Décrivez l’affaire en chiffres agrégés et citez une source anonymisée.",
        "Публичные записи не могут содержать персональные данные: ни имён пострадавших или их родственников, ни адресов электронной почты, ни номеров телефонов. Описывайте дело в обобщённом виде и ссылайтесь на обезличенный источник.",
        "Los registros públicos no pueden contener datos personales: ni nombres de víctimas o de sus familiares, ni correos electrónicos o teléfonos. Describa el caso de forma agregada y cite una fuente anonimizada.",
    ]),
    ("required", ["مطلوب", "必填", "required", "obligatoire", "обязательно", "obligatorio"]),
    ("choose", ["اختر…", "请选择…", "Choose…", "Choisir…", "Выберите…", "Elija…"]),
    ("add_source", ["إضافة مصدر", "添加来源", "Add a source", "Ajouter une source", "Добавить источник", "Añadir una fuente"]),
    ("remove", ["إزالة", "删除", "Remove", "Retirer", "Удалить", "Quitar"]),
    ("source_url", ["عنوان المصدر (https://…)", "来源地址（https://…）", "Source address (https://…)", "Adresse de la source (https://…)", "Адрес источника (https://…)", "Dirección de la fuente (https://…)"]),
    ("source_title", ["عنوان المصدر", "来源标题", "Source title", "Titre de la source", "Название источника", "Título de la fuente"]),
    ("list_hint", ["افصل بين القيم بفواصل.", "用逗号分隔多个值。", "Separate values with commas.", "Séparez les valeurs par des virgules.", "Разделяйте значения запятыми.", "Separe los valores con comas."]),
    ("queue", ["بانتظار المراجعة", "待审核", "Waiting for review", "En attente d’examen", "Ожидают проверки", "En espera de revisión"]),
    ("filter_country", ["البلد (رمز ISO)", "国家（ISO 代码）", "Country (ISO code)", "Pays (code ISO)", "Страна (код ISO)", "País (código ISO)"]),
    ("filter_kind", ["النوع", "类型", "Kind", "Type", "Вид", "Tipo"]),
    ("all_kinds", ["كل الأنواع", "所有类型", "All kinds", "Tous les types", "Все виды", "Todos los tipos"]),
    ("show", ["عرض", "显示", "Show", "Afficher", "Показать", "Mostrar"]),
    ("changes", ["التغييرات مقارنةً بالنسخة المنشورة", "与已发布版本相比的修改", "Changes from the published version", "Modifications par rapport à la version publiée", "Изменения по сравнению с опубликованной версией", "Cambios respecto de la versión publicada"]),
    ("field", ["الحقل", "字段", "Field", "Champ", "Поле", "Campo"]),
    ("before", ["قبل", "之前", "Before", "Avant", "До", "Antes"]),
    ("after", ["بعد", "之后", "After", "Après", "После", "Después"]),
    ("new_record", ["سجل جديد: لم يُنشر منه شيء بعد.", "新记录：尚未发布任何版本。", "A new record: nothing published yet.", "Nouvelle fiche : rien n’est encore publié.", "Новая запись: ещё ничего не опубликовано.", "Registro nuevo: aún no se ha publicado nada."]),
    ("content", ["المحتوى", "内容", "Content", "Contenu", "Содержание", "Contenido"]),
    ("history", ["السجل", "历史", "History", "Historique", "История", "Historial"]),
    ("publish", ["نشر", "发布", "Publish", "Publier", "Опубликовать", "Publicar"]),
    ("reject", ["إعادة إلى المساهم", "退回", "Send back", "Renvoyer", "Вернуть", "Devolver"]),
    ("retract", ["سحب من النشر", "撤销发布", "Retract", "Retirer de la publication", "Снять с публикации", "Retirar"]),
    ("reason", ["السبب (يراه المساهم)", "理由（贡献者可见）", "Reason (shown to the contributor)", "Motif (montré au contributeur)", "Причина (её увидит автор)", "Motivo (lo verá el colaborador)"]),
    ("reason_needed", ["اذكر سببًا.", "请填写理由。", "Give a reason.", "Indiquez un motif.", "Укажите причину.", "Indique un motivo."]),
    ("published_ok", ["نُشر. يظهر الآن في البحث وملفات البلدان والأدوات المضمَّنة.", "已发布，现可在搜索、国家概况和小组件中看到。", "Published. It now appears in search, country profiles and widgets.", "Publié. Il apparaît désormais dans la recherche, les profils de pays et les widgets.", "Опубликовано. Запись видна в поиске, профилях стран и виджетах.", "Publicado. Ahora aparece en la búsqueda, los perfiles de país y los widgets."]),
    ("rejected_ok", ["أُعيد إلى المساهم مع سببك.", "已连同您的理由退回给贡献者。", "Sent back to the contributor with your reason.", "Renvoyé au contributeur avec votre motif.", "Возвращено автору с вашей причиной.", "Devuelto al colaborador con su motivo."]),
    ("retracted_ok", ["سُحب من العرض العام.", "已撤销公开。", "Retracted from public view.", "Retiré de la vue publique.", "Снято с публикации.", "Retirado de la vista pública."]),
    ("retract_title", ["سحب سجل منشور", "撤销已发布的记录", "Retract a published record", "Retirer une fiche publiée", "Снять опубликованную запись", "Retirar un registro publicado"]),
    ("record_id", ["معرّف السجل (مثل PR01)", "记录编号（如 PR01）", "Record id (e.g. PR01)", "Identifiant de la fiche (p. ex. PR01)", "Идентификатор записи (например, PR01)", "Identificador del registro (p. ej., PR01)"]),
    ("find", ["بحث", "查找", "Find", "Trouver", "Найти", "Buscar"]),
    ("loading", ["جارٍ التحميل…", "加载中…", "Loading…", "Chargement…", "Загрузка…", "Cargando…"]),
    ("failed", ["تعذّر الطلب ({})", "请求失败（{}）", "The request failed ({})", "La requête a échoué ({})", "Запрос не выполнен ({})", "La solicitud falló ({})"]),
    ("home", ["الصفحة الرئيسية", "首页", "Home", "Accueil", "Главная", "Inicio"]),
    ("whole_number", ["أدخل عددًا صحيحًا.", "请输入整数。", "Enter a whole number.", "Saisissez un nombre entier.", "Введите целое число.", "Escriba un número entero."]),
    ("propose_title", ["تعديل سجل منشور", "修改已发布的记录", "Change a published record", "Modifier une fiche publiée", "Изменить опубликованную запись", "Modificar un registro publicado"]),
    ("propose_help", [
        "يبقى السجل المنشور ظاهرًا إلى أن يُنشر تعديلك.",
        "在您的修改发布之前，已发布的版本保持可见。",
        "The published version stays visible until your change is published.",
        "La version publiée reste visible jusqu’à la publication de votre modification.",
        "Опубликованная версия остаётся видимой, пока ваше изменение не опубликуют.",
        "La versión publicada sigue visible hasta que se publique su cambio.",
    ]),
    ("yes", ["نعم", "是", "Yes", "Oui", "Да", "Sí"]),
];

/// What a broken rule (`extensions.fields[].rule`) means, in the page's language; the API's
/// own message (in English) adds the detail.
pub fn rule(lang: Lang, code: &str) -> Option<&'static str> {
    RULES
        .iter()
        .find(|(k, _)| *k == code)
        .map(|(_, six)| pick(lang, six))
}

/// A history entry's action (`CREATE`, `PUBLISH`, …) in the page's language.
pub fn action(lang: Lang, code: &str) -> Option<&'static str> {
    ACTIONS
        .iter()
        .find(|(k, _)| *k == code)
        .map(|(_, six)| pick(lang, six))
}

pub const ACTIONS: &[(&str, Six)] = &[
    (
        "CREATE",
        ["إنشاء", "创建", "Created", "Créé", "Создано", "Creado"],
    ),
    (
        "UPDATE",
        ["تعديل", "修改", "Edited", "Modifié", "Изменено", "Editado"],
    ),
    (
        "SUBMIT",
        [
            "إرسال للمراجعة",
            "提交审核",
            "Submitted",
            "Soumis",
            "Отправлено на проверку",
            "Enviado",
        ],
    ),
    (
        "WITHDRAW",
        [
            "سحب للتعديل",
            "撤回",
            "Withdrawn",
            "Retiré pour modification",
            "Отозвано",
            "Retirado para editar",
        ],
    ),
    (
        "PUBLISH",
        [
            "نشر",
            "发布",
            "Published",
            "Publié",
            "Опубликовано",
            "Publicado",
        ],
    ),
    (
        "REJECT",
        [
            "إعادة",
            "退回",
            "Sent back",
            "Renvoyé",
            "Возвращено",
            "Devuelto",
        ],
    ),
    (
        "RETRACT",
        [
            "سحب من النشر",
            "撤销发布",
            "Retracted",
            "Retiré de la publication",
            "Снято с публикации",
            "Retirado",
        ],
    ),
    (
        "IMPORT",
        [
            "استيراد",
            "导入",
            "Imported",
            "Importé",
            "Импортировано",
            "Importado",
        ],
    ),
    (
        "REVISE",
        [
            "بدء تعديل",
            "开始修改",
            "Change started",
            "Modification commencée",
            "Начато изменение",
            "Cambio iniciado",
        ],
    ),
];

pub const RULES: &[(&str, Six)] = &[
    (
        "LENGTH",
        [
            "النص قصير جدًا أو طويل جدًا.",
            "文字过短或过长。",
            "Too short or too long.",
            "Trop court ou trop long.",
            "Слишком коротко или слишком длинно.",
            "Demasiado corto o demasiado largo.",
        ],
    ),
    (
        "YEAR_RANGE",
        [
            "السنة خارج النطاق المقبول.",
            "年份超出范围。",
            "The year is out of range.",
            "L’année est hors limites.",
            "Год вне допустимого диапазона.",
            "El año está fuera de rango.",
        ],
    ),
    (
        "YEAR_ORDER",
        [
            "سنة الانتهاء تسبق سنة البدء.",
            "结束年份早于开始年份。",
            "The end year is before the start year.",
            "L’année de fin précède l’année de début.",
            "Год окончания раньше года начала.",
            "El año de finalización es anterior al de inicio.",
        ],
    ),
    (
        "UNKNOWN_COUNTRY",
        [
            "رمز بلد غير معروف.",
            "未知的国家代码。",
            "Unknown country code.",
            "Code de pays inconnu.",
            "Неизвестный код страны.",
            "Código de país desconocido.",
        ],
    ),
    (
        "UNKNOWN_LAW",
        [
            "لا يوجد قانون بهذا المعرّف.",
            "没有此编号的法律。",
            "No law has this id.",
            "Aucune loi ne porte cet identifiant.",
            "Нет закона с таким идентификатором.",
            "Ninguna ley tiene este identificador.",
        ],
    ),
    (
        "SOURCE_URL",
        [
            "يجب أن يكون المصدر عنوان ويب يبدأ بـ http:// أو https://.",
            "来源必须是以 http:// 或 https:// 开头的网址。",
            "A source must be a web address starting with http:// or https://.",
            "Une source doit être une adresse web commençant par http:// ou https://.",
            "Источник должен быть веб-адресом, начинающимся с http:// или https://.",
            "Una fuente debe ser una dirección web que empiece por http:// o https://.",
        ],
    ),
    (
        "SOURCE_REQUIRED",
        [
            "أضف مصدرًا واحدًا على الأقل.",
            "请至少提供一个来源。",
            "Give at least one source.",
            "Indiquez au moins une source.",
            "Укажите хотя бы один источник.",
            "Indique al menos una fuente.",
        ],
    ),
    (
        "SOURCE_MIRROR",
        [
            "هذا الموقع ينسخ وثائق ناشرين آخرين: استشهد بالناشر الأصلي.",
            "该网站转载其他出版方的文件：请引用原始出版方。",
            "This site copies other publishers’ documents: cite the original publisher.",
            "Ce site reprend les documents d’autres éditeurs : citez l’éditeur d’origine.",
            "Этот сайт копирует документы других издателей: укажите первоисточник.",
            "Este sitio copia documentos de otros editores: cite al editor original.",
        ],
    ),
    (
        "LANGUAGE_TAG",
        [
            "ليس رمز لغة (مثل en أو fr أو ar).",
            "不是语言代码（例如 en、fr、ar）。",
            "Not a language tag (for example en, fr, ar).",
            "Ce n’est pas un code de langue (par exemple en, fr, ar).",
            "Это не код языка (например, en, fr, ar).",
            "No es un código de idioma (por ejemplo, en, fr, ar).",
        ],
    ),
    (
        "GLOBAL_OR_COUNTRIES",
        [
            "الممارسة إما عالمية وإما تخص بلدًا واحدًا على الأقل.",
            "做法要么是全球性的，要么至少涉及一个国家。",
            "A practice is either global or has at least one country.",
            "Une pratique est soit mondiale, soit liée à au moins un pays.",
            "Практика либо глобальная, либо относится хотя бы к одной стране.",
            "Una práctica es mundial o tiene al menos un país.",
        ],
    ),
    (
        "NEGATIVE_FIGURE",
        [
            "لا يمكن أن تكون الأرقام سالبة.",
            "数字不能为负。",
            "Figures cannot be negative.",
            "Les chiffres ne peuvent pas être négatifs.",
            "Числа не могут быть отрицательными.",
            "Las cifras no pueden ser negativas.",
        ],
    ),
    (
        "PERSONAL_DATA",
        [
            "يبدو أن هذا النص يحمل بيانات شخصية.",
            "此文字似乎包含个人数据。",
            "This text seems to carry personal data.",
            "Ce texte semble contenir des données personnelles.",
            "Похоже, текст содержит персональные данные.",
            "Este texto parece contener datos personales.",
        ],
    ),
    (
        "CONTACT_DETAILS",
        [
            "يبدو أن هذا النص يحمل بيانات اتصال.",
            "此文字似乎包含联系方式。",
            "This text seems to carry contact details.",
            "Ce texte semble contenir des coordonnées.",
            "Похоже, текст содержит контактные данные.",
            "Este texto parece contener datos de contacto.",
        ],
    ),
    (
        "WITHHELD_NAME",
        [
            "يحمل هذا النص اسمًا يجب حجبه.",
            "此文字包含应当隐去的姓名。",
            "This text carries a name that must be withheld.",
            "Ce texte contient un nom qui doit rester caché.",
            "Текст содержит имя, которое нельзя публиковать.",
            "Este texto contiene un nombre que debe omitirse.",
        ],
    ),
];

pub const FIELDS: &[(&str, Six)] = &[
    (
        "title",
        ["العنوان", "标题", "Title", "Titre", "Название", "Título"],
    ),
    (
        "summary",
        [
            "الملخص (60 كلمة كحد أقصى، بكلماتك)",
            "摘要（最多 60 个词，用您自己的话）",
            "Summary (at most 60 words, in your own words)",
            "Résumé (60 mots au plus, dans vos propres mots)",
            "Краткое описание (не более 60 слов, своими словами)",
            "Resumen (60 palabras como máximo, con sus palabras)",
        ],
    ),
    (
        "language",
        [
            "لغة العنوان والملخص",
            "标题和摘要的语言",
            "Language of the title and summary",
            "Langue du titre et du résumé",
            "Язык названия и описания",
            "Idioma del título y del resumen",
        ],
    ),
    (
        "forms",
        [
            "أشكال الاتجار",
            "贩运形式",
            "Forms of trafficking",
            "Formes de traite",
            "Формы торговли людьми",
            "Formas de trata",
        ],
    ),
    (
        "targetGroups",
        [
            "الفئات المستهدفة",
            "目标群体",
            "Target groups",
            "Groupes cibles",
            "Целевые группы",
            "Grupos destinatarios",
        ],
    ),
    (
        "sdgTargets",
        [
            "غايات أهداف التنمية المستدامة",
            "可持续发展目标具体目标",
            "SDG targets",
            "Cibles des ODD",
            "Задачи ЦУР",
            "Metas de los ODS",
        ],
    ),
    (
        "sources",
        [
            "المصادر",
            "来源",
            "Sources",
            "Sources",
            "Источники",
            "Fuentes",
        ],
    ),
    (
        "country",
        ["البلد", "国家", "Country", "Pays", "Страна", "País"],
    ),
    (
        "countries",
        ["البلدان", "国家", "Countries", "Pays", "Страны", "Países"],
    ),
    (
        "global",
        [
            "ممارسة عالمية (لا تخص بلدًا بعينه)",
            "全球性做法（不限于某一国家）",
            "Global practice (no single country)",
            "Pratique mondiale (pas d’un seul pays)",
            "Глобальная практика (не одной страны)",
            "Práctica mundial (no de un solo país)",
        ],
    ),
    (
        "yearEnacted",
        [
            "سنة الإصدار",
            "颁布年份",
            "Year enacted",
            "Année d’adoption",
            "Год принятия",
            "Año de promulgación",
        ],
    ),
    (
        "amendmentYears",
        [
            "سنوات التعديل",
            "修订年份",
            "Amendment years",
            "Années des modifications",
            "Годы поправок",
            "Años de las enmiendas",
        ],
    ),
    (
        "amendmentsNote",
        [
            "ملاحظة عن التعديلات",
            "关于修订的说明",
            "Note on amendments",
            "Note sur les modifications",
            "Примечание о поправках",
            "Nota sobre las enmiendas",
        ],
    ),
    (
        "instrumentType",
        [
            "نوع الصك",
            "文书类型",
            "Type of instrument",
            "Type d’instrument",
            "Вид акта",
            "Tipo de instrumento",
        ],
    ),
    (
        "provisions",
        [
            "الأحكام",
            "条款",
            "Provisions",
            "Dispositions",
            "Положения",
            "Disposiciones",
        ],
    ),
    (
        "provisionsNote",
        [
            "ملاحظة عن الأحكام",
            "关于条款的说明",
            "Note on provisions",
            "Note sur les dispositions",
            "Примечание о положениях",
            "Nota sobre las disposiciones",
        ],
    ),
    (
        "leadOrganisation",
        [
            "الجهة القائدة",
            "牵头组织",
            "Lead organisation",
            "Organisation responsable",
            "Ведущая организация",
            "Organización responsable",
        ],
    ),
    (
        "organisationType",
        [
            "نوع الجهة",
            "组织类型",
            "Type of organisation",
            "Type d’organisation",
            "Тип организации",
            "Tipo de organización",
        ],
    ),
    (
        "startYear",
        [
            "سنة البدء",
            "开始年份",
            "Start year",
            "Année de début",
            "Год начала",
            "Año de inicio",
        ],
    ),
    (
        "endYear",
        [
            "سنة الانتهاء",
            "结束年份",
            "End year",
            "Année de fin",
            "Год окончания",
            "Año de finalización",
        ],
    ),
    (
        "approach",
        ["النهج", "方法", "Approach", "Approche", "Подход", "Enfoque"],
    ),
    (
        "pillars",
        [
            "الركائز",
            "支柱",
            "Pillars (4P)",
            "Piliers (4P)",
            "Направления (4P)",
            "Pilares (4P)",
        ],
    ),
    (
        "sectors",
        [
            "القطاعات",
            "行业",
            "Sectors",
            "Secteurs",
            "Отрасли",
            "Sectores",
        ],
    ),
    (
        "targetGroupsNote",
        [
            "ملاحظة عن الفئات المستهدفة",
            "关于目标群体的说明",
            "Note on target groups",
            "Note sur les groupes cibles",
            "Примечание о целевых группах",
            "Nota sobre los grupos destinatarios",
        ],
    ),
    (
        "evidence.design",
        [
            "تصميم التقييم",
            "评估设计",
            "Evaluation design",
            "Type d’évaluation",
            "Вид оценки",
            "Diseño de la evaluación",
        ],
    ),
    (
        "evidence.objectivesMet",
        [
            "هل تحققت الأهداف",
            "目标是否实现",
            "Objectives met",
            "Objectifs atteints",
            "Цели достигнуты",
            "Objetivos cumplidos",
        ],
    ),
    (
        "evidence.note",
        [
            "ملاحظة عن التقييم",
            "关于评估的说明",
            "Note on the evaluation",
            "Note sur l’évaluation",
            "Примечание об оценке",
            "Nota sobre la evaluación",
        ],
    ),
    (
        "jurisdictionNote",
        [
            "ملاحظة عن الولاية القضائية",
            "关于管辖的说明",
            "Note on jurisdiction",
            "Note sur la juridiction",
            "Примечание о юрисдикции",
            "Nota sobre la jurisdicción",
        ],
    ),
    (
        "courtOrAgency",
        [
            "المحكمة أو الجهة",
            "法院或机构",
            "Court or agency",
            "Tribunal ou organisme",
            "Суд или ведомство",
            "Tribunal u organismo",
        ],
    ),
    (
        "decisionYear",
        [
            "سنة القرار",
            "裁决年份",
            "Year of decision",
            "Année de la décision",
            "Год решения",
            "Año de la decisión",
        ],
    ),
    (
        "caseType",
        [
            "نوع القضية",
            "案例类型",
            "Type of case",
            "Type d’affaire",
            "Вид дела",
            "Tipo de caso",
        ],
    ),
    (
        "outcome.convictions",
        [
            "أحكام الإدانة",
            "定罪人数",
            "Convictions",
            "Condamnations",
            "Обвинительные приговоры",
            "Condenas",
        ],
    ),
    (
        "outcome.victimsIdentified",
        [
            "الضحايا المحدَّدون (العدد الإجمالي)",
            "识别出的受害者（总数）",
            "Victims identified (total)",
            "Victimes identifiées (total)",
            "Выявлено пострадавших (всего)",
            "Víctimas identificadas (total)",
        ],
    ),
    (
        "outcome.note",
        [
            "ملاحظة عن النتيجة",
            "关于结果的说明",
            "Note on the outcome",
            "Note sur l’issue",
            "Примечание об итогах",
            "Nota sobre el resultado",
        ],
    ),
    (
        "lawsApplied",
        [
            "القوانين المطبَّقة (معرّفات السجلات)",
            "适用的法律（记录编号）",
            "Laws applied (record ids)",
            "Lois appliquées (identifiants)",
            "Применённые законы (идентификаторы)",
            "Leyes aplicadas (identificadores)",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_and_label_is_there_in_all_six_languages() {
        for (key, six) in WORDS.iter().chain(FIELDS).chain(RULES).chain(ACTIONS) {
            for (lang, text) in Lang::ALL.iter().zip(six) {
                assert!(!text.trim().is_empty(), "{key} has no {lang:?} text");
            }
            // Templates keep their one placeholder in every language.
            let holes = six[2].matches("{}").count();
            assert!(
                six.iter().all(|t| t.matches("{}").count() == holes),
                "{key}: every language keeps {holes} placeholder(s)"
            );
        }
    }

    #[test]
    fn keys_are_unique() {
        for table in [WORDS, FIELDS, RULES, ACTIONS] {
            let mut keys: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
            keys.sort_unstable();
            let n = keys.len();
            keys.dedup();
            assert_eq!(n, keys.len(), "a key is listed twice");
        }
    }
}
