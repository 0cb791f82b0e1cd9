import MyGazCore

/// The English and Russian text of every message. `{n}` is the n-th argument.
/// The switch is exhaustive, so a new key cannot be added without both texts;
/// `CatalogTests` checks that both use the same placeholders.
public enum Catalog {
    public static func template(_ key: MessageKey, _ lang: Lang) -> String {
        let pair = texts(key)
        return lang == .ru ? pair.1 : pair.0
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    public static func texts(_ key: MessageKey) -> (String, String) {
        switch key {
        case .internalError:
            return ("internal error: {1}; please report it with the command you ran",
                    "внутренняя ошибка: {1}; сообщите о ней, приложив выполненную команду")
        case .notFound:
            return ("{1} {2} not found", "не найдено: {1} {2}")
        case .alreadyExists:
            return ("{1} {2} already exists", "уже существует: {1} {2}")

        case .unknownCommand:
            return ("unknown command '{1}' for '{2}'; see '{2} --help'",
                    "неизвестная команда «{1}» для «{2}»; см. «{2} --help»")
        case .unknownCommandSuggest:
            return ("unknown command '{1}' for '{2}'; did you mean '{3}'?",
                    "неизвестная команда «{1}» для «{2}»; может быть, «{3}»?")
        case .unknownOption:
            return ("unknown option '{1}'; see --help", "неизвестный параметр «{1}»; см. --help")
        case .unknownOptionSuggest:
            return ("unknown option '{1}'; did you mean '{2}'?", "неизвестный параметр «{1}»; может быть, «{2}»?")
        case .missingValue:
            return ("option {1} needs a value ({2})", "параметру {1} нужно значение ({2})")
        case .unexpectedValue:
            return ("option {1} takes no value", "параметр {1} не принимает значения")
        case .missingArgument:
            return ("missing {1} for '{2}'; see 'mygaz-admin {2} --help'",
                    "не указан {1} для «{2}»; см. «mygaz-admin {2} --help»")
        case .tooManyArguments:
            return ("unexpected argument '{1}' for '{2}'", "лишний аргумент «{1}» для «{2}»")
        case .missingSubcommand:
            return ("'{1}' needs an action: {2}", "для «{1}» укажите действие: {2}")
        case .badNumber:
            return ("{1}: '{2}' is not a whole number", "{1}: «{2}» — не целое число")
        case .argumentNotUTF8:
            return ("argument {1} ('{2}') is not UTF-8 text; nothing was done; give names and paths in UTF-8",
                    "аргумент {1} («{2}») — не текст в UTF-8; ничего не сделано; указывайте имена и пути в UTF-8")
        case .badDecimal:
            return ("{1}: '{2}' is not a number; write it as 65,5 or 65.5", "{1}: «{2}» — не число; пишите, например, 65,5")
        case .numberOutOfRange:
            return ("{1}: {2} is out of range ({3})", "{1}: {2} вне допустимого диапазона ({3})")
        case .badDate:
            return ("{1}: '{2}' is not a date; use YYYY-MM-DD or DD.MM.YYYY",
                    "{1}: «{2}» — не дата; пишите ГГГГ-ММ-ДД или ДД.ММ.ГГГГ")
        case .periodOutOfRange:
            return ("{1}: '{2}' is outside the months mygaz-admin counts; nothing was done; give a month from {3} to {4}",
                    "{1}: «{2}» — вне месяцев, которые считает mygaz-admin; ничего не сделано; укажите месяц с {3} по {4}")
        case .badDuration:
            return ("{1}: '{2}' is not a duration; use e.g. 90s, 30m, 12h, 7d, 2w",
                    "{1}: «{2}» — не длительность; пишите, например, 90с, 30мин, 12ч, 7д, 2нед (или 90s, 30m, 12h, 7d, 2w)")
        case .badChoice:
            return ("{1}: '{2}' is not one of {3}", "{1}: «{2}» — допустимо одно из: {3}")
        case .badChoiceAmbiguous:
            return ("{1}: '{2}' could be {3}; type more of it",
                    "{1}: «{2}» — это может быть {3}; допишите")
        case .optionsExclusive:
            return ("{1} and {2} cannot be used together", "{1} и {2} нельзя указывать вместе")
        case .optionRequires:
            return ("{1} needs {2}", "{1} требует {2}")
        case .oneOfRequired:
            return ("'{1}' needs one of {2}", "для «{1}» укажите одно из: {2}")
        case .needsYes:
            return ("'{1}' changes data and there is no terminal to ask; add --yes to confirm",
                    "«{1}» изменяет данные, а спросить подтверждение негде (нет терминала); добавьте --yes")
        case .notATerminal:
            return ("'{1}' needs a terminal; {2}", "«{1}» работает только в терминале; {2}")
        case .stdinEmpty:
            return ("no ids on stdin for '{1}'", "на стандартном вводе нет идентификаторов для «{1}»")
        case .dashAmongIds:
            return ("'-' reads the {1}s from stdin and must be the only {1}", "«-» читает {1} со стандартного ввода и должен быть единственным {1}")
        case .badId:
            return ("'{2}' is not a valid {1}", "«{2}» — недопустимое значение: {1}")
        case .notOnThisEngine:
            return ("{1} does not run on a PostgreSQL database yet ({2}); it runs on a SQLite file",
                    "{1} пока не работает с базой PostgreSQL ({2}); она работает с файлом SQLite")
        case .backupServerTool:
            return ("{1} is a PostgreSQL database: back it up with the server's tools (pg_dump --format=custom, or pg_basebackup for the whole server); 'db backup' copies SQLite files",
                    "{1} — база PostgreSQL: копируйте ее средствами сервера (pg_dump --format=custom или pg_basebackup для всего сервера); «db backup» копирует файлы SQLite")
        case .groupOnServer:
            return ("--group shares a SQLite file; {1} is a PostgreSQL database, whose users are the server's roles",
                    "--group открывает доступ к файлу SQLite; {1} — база PostgreSQL, ее пользователи — роли сервера")
        case .passwordInArgv:
            return ("the password in --db is visible to every user of this machine (ps); give it in PGPASSWORD or ~/.pgpass instead",
                    "пароль в --db виден всем пользователям этой машины (команда «ps»); задайте его в PGPASSWORD или в файле «~/.pgpass»")
        case .stdinLine:
            return ("stdin line {1} «{2}»: {3}; nothing was done", "строка {1} стандартного ввода «{2}»: {3}; ничего не сделано")
        case .stdinFields:
            return ("stdin line {1} «{2}» has several fields; a line is one reference: give --column N (or --column NAME with a header line) for the field that holds it; nothing was done",
                    "в строке {1} стандартного ввода «{2}» несколько полей, а строка — это одна ссылка: укажите --column N (или --column ИМЯ при строке заголовка) для поля, где она; ничего не сделано")
        case .stdinNoColumn:
            return ("stdin line {1} «{2}» is not a header with a column «{3}»: --column NAME needs a header line that names it; nothing was done",
                    "строка {1} стандартного ввода «{2}» — не заголовок со столбцом «{3}»: --column ИМЯ требует строку заголовка с этим именем; ничего не сделано")
        case .stdinShortLine:
            return ("stdin line {1} «{2}» has no field {3}; nothing was done",
                    "в строке {1} стандартного ввода «{2}» нет поля {3}; ничего не сделано")
        case .columnWithoutStdin:
            return ("--column picks the field of each stdin line; it goes with '-' in place of the ids",
                    "--column выбирает поле каждой строки стандартного ввода; он используется с «-» вместо идентификаторов")
        case .userAmbiguous:
            return ("'{1}' is the login of several users ({2}), written in different ways; give the user's id (see 'mygaz-admin db repair-logins')",
                    "«{1}» — логин нескольких пользователей ({2}), записанный по-разному; укажите id пользователя (см. «mygaz-admin db repair-logins»)")

        case .databaseBusy:
            return ("database {1} is busy: another process held the write lock longer than the busy timeout; try again or raise --busy-timeout",
                    "база {1} занята: другой процесс держит блокировку записи дольше тайм-аута; повторите или увеличьте --busy-timeout")
        case .databaseFull:
            return ("database {1}: the disk is full; the change in progress was rolled back; free some space and run the command again",
                    "база {1}: диск переполнен; начатое изменение отменено; освободите место и повторите команду")
        case .databaseReadOnly:
            return ("database {1} is read-only for this login; nothing was written; check the file's permissions",
                    "база {1} доступна этому пользователю только для чтения; ничего не записано; проверьте права на файл")
        case .databaseCannotOpen:
            return ("cannot open database {1}: {2}; check the path and the permissions",
                    "не удается открыть базу {1}: {2}; проверьте путь и права доступа")
        case .databaseNotSQLite:
            return ("{1} is not a SQLite database; point --db or MYGAZ_DB at the mygaz-admin database",
                    "{1} — не база SQLite; укажите базу mygaz-admin в --db или MYGAZ_DB")
        case .databaseCorrupt:
            return ("database {1} is corrupt; restore it from a backup (see 'mygaz-admin db backup')",
                    "база {1} повреждена; восстановите ее из резервной копии (см. «mygaz-admin db backup»)")
        case .databaseIOError:
            return ("database {1}: input/output error ({2}); nothing was written; check the disk",
                    "база {1}: ошибка ввода-вывода ({2}); ничего не записано; проверьте диск")
        case .databaseValueRefused:
            return ("database {1} cannot store a value: {2}; nothing was written; correct the value",
                    "база {1} не может сохранить значение: {2}; ничего не записано; исправьте значение")
        case .serverUnreachable:
            return ("cannot reach the PostgreSQL server of {1}: {2}; check that the server runs and the address is right",
                    "нет связи с сервером PostgreSQL базы {1}: {2}; проверьте, что сервер работает и адрес указан верно")
        case .serverRefusedLogin:
            return ("the PostgreSQL server of {1} refused the login: {2}; check the user name, and the password in PGPASSWORD or ~/.pgpass",
                    "сервер PostgreSQL базы {1} отказал во входе: {2}; проверьте имя пользователя и пароль в PGPASSWORD или «~/.pgpass»")
        case .serverRefusedOperator:
            return ("the PostgreSQL server of {1} refused the login {3}: {2}; if the server does not know {3}, an admin makes her an operator: mygaz-admin operator add {3} --role clerk (or support, admin); else check the password in PGPASSWORD or ~/.pgpass",
                    "сервер PostgreSQL базы {1} отказал во входе пользователю {3}: {2}; если сервер не знает {3}, администратор добавляет сотрудника: mygaz-admin operator add {3} --role clerk (или support, admin); иначе проверьте пароль в PGPASSWORD или «~/.pgpass»")
        case .serverNotAnOperator:
            return ("the PostgreSQL server of {1} knows the login {2}, but {2} is no operator of this database; an admin makes her one: mygaz-admin operator add {2} --role clerk (or support, admin)",
                    "сервер PostgreSQL базы {1} знает пользователя {2}, но {2} не сотрудник этой базы; администратор добавляет сотрудника: mygaz-admin operator add {2} --role clerk (или support, admin)")
        case .serverNeedsCreateRole:
            return ("the PostgreSQL server does not let {1} make the login {2}: it needs the right CREATEROLE; nothing was changed; a superuser runs in psql: {3}",
                    "сервер PostgreSQL не дает {1} создать пользователя {2}: нужно право CREATEROLE; ничего не изменено; суперпользователь выполняет в «psql»: {3}")
        case .serverLoginHasOtherRights:
            return ("the PostgreSQL server has the login {1} already, with rights no operator may have ({2}); nothing was changed; choose another login, or have a superuser take the rights away",
                    "на сервере PostgreSQL уже есть пользователь {1} с правами, которых у сотрудника быть не может ({2}); ничего не изменено; выберите другое имя или попросите суперпользователя отнять эти права")
        case .serverDenied:
            return ("the PostgreSQL server of {1} does not allow this login to do that: {2}; an admin grants the role",
                    "сервер PostgreSQL базы {1} не разрешает этому пользователю это действие: {2}; роль выдает администратор")
        case .serverNoSuchDatabase:
            return ("the PostgreSQL server of {1} has no such database; create it ('createdb') or check the name",
                    "на сервере PostgreSQL нет базы {1}; создайте ее («createdb») или проверьте имя")
        case .serverConflict:
            return ("database {1}: the change clashed with another one made at the same time; nothing was changed; run the command again",
                    "база {1}: изменение столкнулось с другим, сделанным одновременно; ничего не изменено; повторите команду")
        case .serverReadOnly:
            return ("database {1} takes no writes on this server (a standby, or a read-only transaction); nothing was written; use the primary server",
                    "база {1} на этом сервере не принимает записи (резервный сервер или транзакция только для чтения); ничего не записано; используйте основной сервер")
        case .serverBadAddress:
            return ("'{1}' is not a PostgreSQL address: {2}; write 'postgresql://user@host/db' or 'host=... dbname=...'",
                    "«{1}» — не адрес PostgreSQL: {2}; пишите «postgresql://пользователь@сервер/база» или «host=... dbname=...»")
        case .databaseMissing:
            return ("no database at {1}; create one with 'mygaz-admin init' (or 'mygaz-admin demo'), or point --db or MYGAZ_DB at it",
                    "базы {1} нет; создайте ее («mygaz-admin init» или «mygaz-admin demo») или укажите путь в --db или MYGAZ_DB")
        case .databaseIsDirectory:
            return ("{1} is a directory, not a database file; give the file's path in --db or MYGAZ_DB",
                    "{1} — каталог, а не файл базы; укажите путь к файлу в --db или MYGAZ_DB")
        case .databaseNotOurs:
            return ("{1} is a SQLite database of another program; mygaz-admin will not touch it",
                    "{1} — база SQLite другой программы; mygaz-admin не будет ее трогать")
        case .databaseSchemaDiffers:
            return ("database {1} does not have the schema this program was made for ({2}); nothing was changed; an admin sees the differences with 'mygaz-admin db check'",
                    "схема базы {1} не та, для которой сделана программа ({2}); ничего не изменено; администратор увидит различия командой «mygaz-admin db check»")
        case .databaseRefusedChange:
            return ("database {1} refused the change: «{2}»; nothing was changed (a trigger's rule; 'mygaz-admin db check' names the triggers that are not this program's)",
                    "база {1} отказала в изменении: «{2}»; ничего не изменено (правило триггера; «mygaz-admin db check» назовет триггеры, созданные не этой программой)")
        case .databaseEmpty:
            return ("database {1} is empty; run 'mygaz-admin init' first",
                    "база {1} пуста; сначала выполните «mygaz-admin init»")
        case .databaseTooOld:
            return ("database {1} has schema version {2}, this program needs {3}; an admin upgrades it with 'mygaz-admin db migrate'",
                    "у базы {1} версия схемы {2}, программе нужна {3}; администратор обновит ее командой «mygaz-admin db migrate»")
        case .databaseTooNew:
            return ("database {1} has schema version {2}, newer than this program's {3}; install a newer mygaz-admin",
                    "у базы {1} версия схемы {2}, новее, чем у программы ({3}); установите новую версию mygaz-admin")
        case .databaseHasData:
            return ("database {1} already holds data; 'demo' fills only a new database; give another --db path",
                    "в базе {1} уже есть данные; «demo» заполняет только новую базу; укажите другой путь в --db")
        case .databaseNetworkFS:
            return ("database {1} is on a {2} file system, where SQLite's file locking is not safe; keep it on a local disk",
                    "база {1} лежит на файловой системе {2}, где блокировки SQLite ненадежны; храните ее на локальном диске")
        case .databaseCreated:
            return ("created database {1} (schema version {2}); you ({3}) are its admin",
                    "создана база {1} (версия схемы {2}); вы ({3}) — ее администратор")
        case .databaseMigrated:
            return ("upgraded database {1} from schema version {2} to {3}",
                    "база {1} обновлена с версии схемы {2} до {3}")
        case .databaseUpToDate:
            return ("database {1} is up to date (schema version {2})",
                    "база {1} в актуальном состоянии (версия схемы {2})")
        case .databaseGroupShared:
            return ("{1} is shared with group {2}: members may read and write it, others nothing",
                    "{1} открыта группе {2}: ее участники могут читать и писать, остальные — ничего")
        case .sharedDirectoryOpen:
            return ("{1} may be written by anyone (mode {2}): nothing was changed; keep a shared database in a directory of its own, e.g. a new {1}/mygaz (init creates it)",
                    "в {1} может писать кто угодно (права {2}): ничего не изменено; храните общую базу в отдельном каталоге, например в новом {1}/mygaz (init его создаст)")
        case .sharedDirectoryNotGroups:
            return ("{1} (mode {3}) does not let the group {2} share the database; nothing was changed; run: chgrp {2} {1} && chmod g+rwxs,o-rwx {1} — or give a new directory, which init creates",
                    "каталог {1} (права {3}) не позволяет группе {2} работать с базой; ничего не изменено; выполните: chgrp {2} {1} && chmod g+rwxs,o-rwx {1} — или укажите новый каталог, init его создаст")
        case .groupUnknown:
            return ("no such group '{1}'; create it first (groupadd) or choose another",
                    "группы «{1}» нет; создайте ее (groupadd) или выберите другую")
        case .checkOK:
            return ("database {1}: ok (integrity, foreign keys, the audit trail's hash chain, schema version {2})",
                    "база {1}: в порядке (целостность, внешние ключи, цепочка хешей журнала аудита, версия схемы {2})")
        case .checkOKServer:
            return ("database {1}: ok (schema as this version's, queue counts, the audit trail's hash chain, schema version {2}; the pages and foreign keys are the server's to keep)",
                    "база {1}: в порядке (схема как у этой версии, счетчики очередей, цепочка хешей журнала аудита, версия схемы {2}; страницы и внешние ключи проверяет сервер)")
        case .checkFailed:
            return ("database {1}: {2}", "база {1}: {2}")
        case .checkNeedsScratchSchema:
            return ("db check compares {1} with this version's schema, made in a scratch schema that is rolled back, and the server refused it ({2}); run it as the database's owner, or GRANT CREATE ON DATABASE to this role",
                    "db check сравнивает {1} со схемой этой версии, создавая временную схему и откатывая ее, а сервер не разрешил этого ({2}); запустите команду от имени владельца базы или выдайте роли GRANT CREATE ON DATABASE")
        case .checkPermissionsOthers:
            return ("{1} can be read by users outside its group (mode {2}); run: chmod o-rwx {1}",
                    "{1} доступен для чтения посторонним (права {2}); выполните: chmod o-rwx {1}")
        case .auditChainHolds:
            return ("audit trail of {1}: the hash chain holds ({2|row|rows} verified, the last {3}; its hash {4})",
                    "журнал аудита {1}: цепочка хешей цела (проверено: {2|строка|строки|строк}, последняя {3}; ее хеш {4})")
        case .auditRowChanged:
            return ("audit trail of {1}: row {2} was changed after it was written (its content no longer gives its hash, which the row after it still chains to); compare it with a backup",
                    "журнал аудита {1}: строка {2} изменена после записи (ее содержимое больше не дает ее хеш, на который по-прежнему опирается следующая строка); сверьте ее с резервной копией")
        case .auditRowHashEdited:
            return ("audit trail of {1}: the stored hash of row {2} was edited (its content gives the hash the row after it chains to); compare it with a backup",
                    "журнал аудита {1}: хранимый хеш строки {2} исправлен (ее содержимое дает тот хеш, на который опирается следующая строка); сверьте ее с резервной копией")
        case .auditRowReasonChanged:
            return ("audit trail of {1}: the reason of row {2} was changed after it was written (it no longer gives the digest the chain covers); compare it with a backup",
                    "журнал аудита {1}: причина в строке {2} изменена после записи (она больше не дает дайджест, который покрывает цепочка); сверьте ее с резервной копией")
        case .auditRowsMissing:
            return ("audit trail of {1}: {4|row is|rows are} missing between row {2} and row {3} (deleted after they were written); restore them from a backup",
                    "журнал аудита {1}: после строки {2} и до строки {3} недостает {4|строки|строк|строк} (удалены после записи); восстановите их из резервной копии")
        case .auditRowsMissingAtStart:
            return ("audit trail of {1}: {3|row is|rows are} missing before row {2} (deleted after they were written); restore them from a backup",
                    "журнал аудита {1}: перед строкой {2} недостает {3|строки|строк|строк} (удалены после записи); восстановите их из резервной копии")
        case .auditRowInserted:
            return ("audit trail of {1}: row {2} was inserted afterwards (the rows around it chain to each other without it); compare the trail with a backup",
                    "журнал аудита {1}: строка {2} вставлена задним числом (соседние строки сцеплены друг с другом без нее); сверьте журнал с резервной копией")
        case .auditRowNotInChain:
            return ("audit trail of {1}: row {2} is not in the hash chain (written around the program, which places every row it writes); compare the trail with a backup",
                    "журнал аудита {1}: строки {2} нет в цепочке хешей (записана в обход программы, которая ставит в цепочку каждую свою строку); сверьте журнал с резервной копией")
        case .auditLastRowsMissing:
            return ("audit trail of {1}: {3|row is|rows are} missing at the end, after row {2} (the chain's head is further on: deleted after they were written); restore them from a backup",
                    "журнал аудита {1}: в конце, после строки {2}, недостает {3|строки|строк|строк} (вершина цепочки дальше: удалены после записи); восстановите их из резервной копии")
        case .auditChainHeadDiffers:
            return ("audit trail of {1}: the hash chain's head does not match row {2}, the last one (the head or the row was edited); compare the trail with a backup",
                    "журнал аудита {1}: вершина цепочки хешей не совпадает с последней строкой {2} (исправлена вершина или строка); сверьте журнал с резервной копией")
        case .auditRowDoesNotFit:
            return ("audit trail of {1}: row {2} does not fit the hash chain (it, or the rows just before it, were changed after they were written); compare the trail with a backup",
                    "журнал аудита {1}: строка {2} не вписывается в цепочку хешей (она или строки перед ней изменены после записи); сверьте журнал с резервной копией")
        case .checkPermissionsGroup:
            return ("{1} is not writable by its group {2} (mode {3}); members will be locked out; run: chmod g+rw {1}",
                    "{1} недоступен группе {2} для записи (права {3}); ее участники не смогут работать; выполните: chmod g+rw {1}")
        case .backupWritten:
            return ("backup of {1} written to {2} ({3|page|pages})", "резервная копия {1} записана в {2} ({3|страница|страницы|страниц})")
        case .settingBadValue:
            return ("setting {1}: «{2}» is not a fitting value; nothing was changed; see 'mygaz-admin config list'",
                    "настройка {1}: «{2}» — неподходящее значение; ничего не изменено; см. «mygaz-admin config list»")
        case .settingBadStored:
            return ("setting {1} in the database is «{2}», not a whole number from {3} to {4} (written past 'config set'); nothing was done; an admin sets it: mygaz-admin config set {1} VALUE, or back to its default {5}: mygaz-admin config set {1}",
                    "настройка {1} в базе — «{2}», а не целое число от {3} до {4} (записана в обход «config set»); ничего не сделано; администратор задаст ее: mygaz-admin config set {1} ЗНАЧЕНИЕ, или вернет значение по умолчанию {5}: mygaz-admin config set {1}")
        case .senderNotSet:
            return ("{1|e-mail waits|e-mails wait}, none counted as tried: messages of {2} have no sender address; an admin sets one: mygaz-admin config set {3} ADDRESS",
                    "ждут отправки писем: {1}, попытки не засчитаны: у сообщений {2} нет адреса отправителя; администратор задаст его: mygaz-admin config set {3} АДРЕС")
        case .smsCommandNotSet:
            return ("{1|SMS waits|SMS wait}, none counted as tried: there is no command to send them; give --sms-command, MYGAZ_SMS_COMMAND, or {2} in the configuration file (mygaz-admin config list shows which)",
                    "ждут отправки SMS: {1}, попытки не засчитаны: команды для них нет; укажите --sms-command, MYGAZ_SMS_COMMAND или {2} в файле настроек (какой — показывает mygaz-admin config list)")
        case .deliveryProgramMissing:
            return ("{1|message|messages} by {2} wait, none counted as tried: the delivery program «{3}» cannot be run (exit {4}); fix the command ({5}, {6}, or {7} in the configuration file: mygaz-admin config list)",
                    "ждут отправки ({2}): {1}, попытки не засчитаны: программу доставки «{3}» не удается запустить (код {4}); исправьте команду ({5}, {6} или {7} в файле настроек: mygaz-admin config list)")
        case .outboxByChannel:
            return ("{1}: sent {2}, to be retried {3}, failed {4}, in doubt {5}, cancelled {6}, waiting for the channel {7}",
                    "{1}: отправлено {2}, будет повторено {3}, не доставлено {4}, сомнительных {5}, отменено {6}, ждут канала {7}")
        case .emailsWait:
            return ("{1|e-mail waits|e-mails wait}, none counted as tried: {2}", "ждут отправки писем: {1}, попытки не засчитаны: {2}")
        case .smtpRelayFailed:
            return ("the relay {1}: {2}; check mail.smtp, mail.smtp_user, mail.smtp_password_file and mail.smtp_ca_file (mygaz-admin config list)",
                    "почтовый сервер {1}: {2}; проверьте mail.smtp, mail.smtp_user, mail.smtp_password_file и mail.smtp_ca_file (mygaz-admin config list)")
        case .smtpRelayBad:
            return ("mail.smtp «{1}» is not a relay's address: write smtp://HOST:PORT (STARTTLS when the relay offers it) or smtps://HOST:PORT (TLS from the start)",
                    "mail.smtp «{1}» — не адрес почтового сервера: укажите «smtp://ХОСТ:ПОРТ» (STARTTLS, если сервер его предлагает) или «smtps://ХОСТ:ПОРТ» (TLS с самого начала)")
        case .smtpRelayWithLogin:
            return ("mail.smtp «{1}» holds a login: the login goes in mail.smtp_user and the password in a file named by mail.smtp_password_file, never in the address, which ps and config list show",
                    "mail.smtp «{1}» содержит учетную запись: имя задается в mail.smtp_user, пароль — в файле, названном в mail.smtp_password_file, но не в адресе, который видно в «ps» и config list")
        case .smtpPasswordWithoutUser:
            return ("{1} is the relay's password file but mail.smtp_user is not set: set the login too",
                    "{1} — файл пароля почтового сервера, но mail.smtp_user не задан: укажите и имя")
        case .smtpFileMissing:
            return ("{1}, named by {2}, does not exist: create it or fix the setting (mygaz-admin config list)",
                    "файла {1}, указанного в {2}, нет: создайте его или исправьте настройку (mygaz-admin config list)")
        case .trustedFileUnsafe:
            return ("{1} belongs to {3} with mode {4}: refused, others than root or you could read or change it; run: chown root {1}; chmod go-w,o-rwx {1}",
                    "{1} принадлежит {3}, права {4}: отказано, прочитать или изменить его мог бы кто-то, кроме root и вас; выполните: chown root {1}; chmod go-w,o-rwx {1}")
        case .noticeOptedOut:
            return ("the customer switched status notices off: not told", "клиент отключил уведомления о статусах: не уведомлен")
        case .noContactPhone:
            return ("{1} {2}: no e-mail or mobile to send to: tell the customer by phone {3}",
                    "{1} {2}: нет ни e-mail, ни мобильного для отправки: сообщите клиенту по телефону {3}")
        case .noContactTellInPerson:
            return ("{1} {2}: no e-mail or phone on record: tell {3} in person",
                    "{1} {2}: нет ни e-mail, ни телефона: сообщите клиенту ({3}) лично")
        case .settingUnknown:
            return ("'{1}' is not a setting; see 'mygaz-admin config list'", "«{1}» — нет такой настройки; см. «mygaz-admin config list»")
        case .settingChanged:
            return ("setting {1}: {2} → {3}", "настройка {1}: {2} → {3}")
        case .settingUnchanged:
            return ("setting {1}: already {2}, unchanged", "настройка {1}: уже {2}, без изменений")
        case .settingNotStored:
            return ("{1} says what mygaz-admin runs or where its mail goes, and is not kept in the database, which every clerk can change: set it in {2} (owned by root, changeable by nobody else) or in the environment as {3}; nothing was changed",
                    "{1} определяет, что запускает mygaz-admin или куда уходит почта, и не хранится в базе, которую может изменить любой сотрудник: задайте эту настройку в {2} (владелец root, изменять никому больше нельзя) или в переменной окружения {3}; ничего не изменено")
        case .settingIgnoredInDatabase:
            return ("the database holds {1} = «{2}»: ignored, programs to run are read from {3} or {4}; remove the row: mygaz-admin config set {1}",
                    "в базе записано {1} = «{2}»: не используется, программы для запуска берутся из {3} или {4}; удалите запись: mygaz-admin config set {1}")
        case .settingRowRemoved:
            return ("setting {1}: the row left in the database was removed; the program is read from the configuration file or the environment",
                    "настройка {1}: запись, оставшаяся в базе, удалена; программа берется из файла настроек или окружения")
        case .calendarFileBad:
            return ("{1}:{2}: {3}; nothing was changed (see 'mygaz-admin calendar import --help')",
                    "{1}:{2}: {3}; ничего не изменено (см. «mygaz-admin calendar import --help»)")
        case .calendarNotAFile:
            return ("not a production calendar: expected <calendar year=\"YYYY\"> and lines <day d=\"MM.DD\" t=\"1|2|3\"/>",
                    "это не производственный календарь: ожидается «<calendar year=\"ГГГГ\">» и строки «<day d=\"ММ.ДД\" t=\"1|2|3\"/>»")
        case .calendarLineUnknown:
            return ("«{1}» is not a line of a production calendar (one element a line: <day d=\"MM.DD\" t=\"1|2|3\" f=\"MM.DD\"/>)",
                    "«{1}» — не строка производственного календаря (один элемент в строке: «<day d=\"ММ.ДД\" t=\"1|2|3\" f=\"ММ.ДД\"/>»)")
        case .calendarLineAfterEnd:
            return ("text after </calendar>: a file holds one year", "текст после «</calendar>»: в файле один год")
        case .calendarNotClosed:
            return ("the file ends before </calendar>: is it whole?", "файл кончается до «</calendar>»: он целый?")
        case .calendarBadYear:
            return ("year=\"{1}\" is not a year from {2} to {3}", "«year=\"{1}\"» — не год от {2} до {3}")
        case .calendarBadSource:
            return ("source=\"…\" must be one line of at most 300 characters naming the decree",
                    "«source=\"…\"» — одна строка не длиннее 300 символов с названием постановления")
        case .calendarBadDay:
            return ("d=\"{1}\" is not a day of {2} (MM.DD)", "«d=\"{1}\"» — не день {2} года (ММ.ДД)")
        case .calendarBadKind:
            return ("t=\"{1}\": expected 1 (day off), 2 (shortened working day) or 3 (weekend day worked)",
                    "«t=\"{1}\"»: ожидается 1 (выходной), 2 (сокращенный рабочий день) или 3 (рабочий выходной)")
        case .calendarWorkedWeekday:
            return ("{1} is a weekday: t=\"3\" marks a Saturday or Sunday that is worked",
                    "{1} — будний день: «t=\"3\"» отмечает рабочую субботу или воскресенье")
        case .calendarBadMovedFrom:
            return ("f=\"{1}\" on {2}: a day off is moved from a holiday or a worked Saturday or Sunday of the same year, and only a day off (t=\"1\") has f",
                    "«f=\"{1}\"» у {2}: выходной переносится с праздника или рабочей субботы или воскресенья того же года, и «f» бывает только у выходного («t=\"1\"»)")
        case .calendarDayTwice:
            return ("{1} is listed twice (first on line {2})", "{1} указан дважды (впервые в строке {2})")
        case .calendarHolidayWorked:
            return ("{1} is a non-working holiday (Labour Code art. 112) but not a day off here: the year is incomplete",
                    "{1} — нерабочий праздничный день (ст. 112 ТК РФ), а здесь не выходной: год неполный")
        case .calendarMovedTwice:
            return ("the day off of {1} is moved twice: to {2} and to {3}", "выходной {1} перенесен дважды: на {2} и на {3}")
        case .calendarWorkedWeekendUnpaired:
            return ("{1} is a weekend day that is worked, but no day off is moved from it (f=\"MM.DD\")",
                    "{1} — рабочий выходной, но ни один выходной не перенесен с него («f=\"ММ.ДД\"»)")
        case .calendarWorkingDaysWrong:
            return ("{1} has {2|working day|working days} here; the Labour Code (art. 112) leaves {3}: {4|weekday|weekdays}, less {5|holiday|holidays} on them and {6|day off|days off} moved from holidays on a Saturday or Sunday; check the transfers (f=\"MM.DD\")",
                    "в {1} году здесь {2|рабочий день|рабочих дня|рабочих дней}, по ТК РФ (ст. 112) должно быть {3}: {4|будний день|будних дня|будних дней}, из них {5|праздничный|праздничных|праздничных}, и {6|выходной перенесен|выходных дня перенесены|выходных дней перенесены} с праздников в субботу или воскресенье; проверьте переносы («f=\"ММ.ДД\"»)")
        case .calendarPreHolidayNotShortened:
            return ("{1}, the working day before the non-working holiday {2}, is one hour shorter by the Labour Code (art. 95): mark it t=\"2\"",
                    "{1} — рабочий день перед нерабочим праздничным днем {2}, по ТК РФ (ст. 95) он сокращен на час: отметьте его «t=\"2\"»")
        case .calendarStoredBad:
            return ("the production calendar of {1} in the database holds «{2}», which is not a day of it; import the year again with 'mygaz-admin calendar import FILE'",
                    "производственный календарь {1} года в базе содержит «{2}» — это не его день; загрузите год заново: «mygaz-admin calendar import ФАЙЛ»")
        case .calendarYearUnknown:
            return ("the production calendar of {1} is not known (known: {2}); nothing is guessed: import the Government's decree for {1} with 'mygaz-admin calendar import FILE'",
                    "производственный календарь на {1} год неизвестен (известны: {2}); ничего не угадывается: загрузите постановление Правительства на {1} год командой «mygaz-admin calendar import ФАЙЛ»")
        case .calendarNoYears:
            return ("none", "нет")
        case .calendarBadRange:
            return ("'{1}' is not a year (YYYY) or a month (YYYY-MM)", "«{1}» — не год (ГГГГ) и не месяц (ГГГГ-ММ)")
        case .badTimeZone:
            return ("'{1}' is not a time zone: name one as the system does (Europe/Moscow, Asia/Yekaterinburg; timedatectl list-timezones)",
                    "«{1}» — не часовой пояс, известный системе: укажите пояс так, как он назван в ее списке (часть света и город латиницей через косую черту)")
        case .rgkZoneSame:
            return ("{1}: the time zone is {2} already", "{1}: часовой пояс уже {2}")
        case .rgkZoneSet:
            return ("{1}: time zone {2} → {3}", "{1}: часовой пояс {2} → {3}")
        case .ticketNotPersonalData:
            return ("ticket {1} is not a request about personal data: only those are extended (mark it with ticket edit {1} --topic personal_data)",
                    "обращение {1} — не запрос о персональных данных: продлевается только он (отметьте его: ticket edit {1} --topic personal_data)")
        case .ticketNotExtendable:
            return ("ticket {1} ({2}) is not extended: the law extends only a request about the person's own data (personal_data, 152-FZ art. 20 p. 2)",
                    "срок по обращению {1} ({2}) не продлевается: закон продлевает только запрос о собственных персональных данных (personal_data, ч. 2 ст. 20 152-ФЗ)")
        case .ticketExtendedAlready:
            return ("ticket {1} was extended on {2}: the law allows one extension (152-FZ art. 20 p. 2)",
                    "срок по обращению {1} уже продлен {2}: закон допускает одно продление (ч. 2 ст. 20 152-ФЗ)")
        case .ticketNothingDue:
            return ("ticket {1} has no deadline running (answered, closed, or waiting on the customer): nothing to extend",
                    "по обращению {1} срок не идет (дан ответ, закрыто или ждем клиента): продлевать нечего")
        case .ticketExtended:
            return ("ticket {1}: due {2} → {3}", "обращение {1}: срок {2} → {3}")
        case .ticketTopicSet:
            return ("ticket {1}: topic {2} → {3}", "обращение {1}: тема {2} → {3}")
        case .deadlineYearUnknown:
            return ("the production calendar of {1} is not known: {2} of the month's decisions, due or counted through that year, are left out of the shares on time and the working days; import it (mygaz-admin calendar import FILE)",
                    "производственный календарь на {1} год неизвестен: решений за месяц, срок или рабочие дни которых приходятся на этот год, не учтено в долях в срок и днях: {2}; загрузите его (mygaz-admin calendar import ФАЙЛ)")
        case .calendarAdded:
            return ("production calendar {1} imported ({2}): {3} working days, {4} days off",
                    "производственный календарь на {1} год загружен ({2}): рабочих дней {3}, выходных и праздничных {4}")
        case .calendarReplaced:
            return ("production calendar {1} replaced ({2}): {3} working days, {4} days off",
                    "производственный календарь на {1} год заменен ({2}): рабочих дней {3}, выходных и праздничных {4}")
        case .calendarUnchanged:
            return ("production calendar {1} is already this one ({2}): nothing changed",
                    "производственный календарь на {1} год уже такой ({2}): ничего не изменено")
        case .configFileNotRegular:
            return ("{1} is not a regular file (a link, a directory or a device): refused; programs to run are read only from a regular file that root owns and nobody else may change",
                    "{1} — не обычный файл (ссылка, каталог или устройство): отказано; программы для запуска читаются только из обычного файла, который принадлежит root и который никто больше не может изменить")
        case .configFileUnreadable:
            return ("cannot read the configuration file {1}: {2}; make it readable (chmod 644 {1}) or point MYGAZ_CONFIG at another",
                    "не удается прочитать файл настроек {1}: {2}; сделайте его доступным для чтения (chmod 644 {1}) или укажите другой в MYGAZ_CONFIG")
        case .configFileUnsafe:
            return ("{1} belongs to {3} with mode {4}: refused, others than root or you could put a program in it for mygaz-admin to run; run: chown root {1}; chmod go-w {1}",
                    "{1} принадлежит {3}, права {4}: отказано, кроме root и вас, в него мог бы записать программу для запуска кто-то еще; выполните: chown root {1}; chmod go-w {1}")
        case .configDirectoryUnsafe:
            return ("{1} is refused: its directory {2} belongs to {3} with mode {4}, so others than root or you could replace the file; run: chown root {2}; chmod go-w {2}",
                    "{1} отклонен: его каталог {2} принадлежит {3}, права {4}, поэтому заменить файл может кто-то, кроме root и вас; выполните: chown root {2}; chmod go-w {2}")
        case .configFileNotText:
            return ("{1} is not a configuration file: not UTF-8 text of at most 64 KiB; nothing was read from it",
                    "{1} — не файл настроек: не текст UTF-8 размером до 64 КиБ; из него ничего не прочитано")
        case .configFileBadLine:
            return ("{1}:{2}: «{3}» is not a 'key = value' line; fix the line (a comment starts with #)",
                    "{1}:{2}: «{3}» — не строка вида «ключ = значение»; исправьте строку (комментарий начинается с #)")
        case .configFileUnknownKey:
            return ("{1}:{2}: «{3}» is not a setting of this file: it holds mail.sendmail, sms.command and print.command; the other settings are in the database (mygaz-admin config set)",
                    "{1}:{2}: «{3}» — не настройка этого файла: в нем задаются mail.sendmail, sms.command и print.command; остальные настройки хранятся в базе (mygaz-admin config set)")
        case .configFileTwice:
            return ("{1}:{2}: {3} is set a second time (first on line {4}); keep one",
                    "{1}:{2}: {3} задана второй раз (первый — в строке {4}); оставьте одну")
        case .configFileBadValue:
            return ("{1}:{2}: {3}: the command is empty or holds a control character",
                    "{1}:{2}: {3}: команда пуста или содержит управляющий символ")
        case .readingFromRGK:
            return ("reading {1} came in the RGK's own file: it is the RGK's record, not a decision to take back",
                    "показание {1} пришло в файле РГК: это запись РГК, а не решение, которое можно отменить")
        case .readingExported:
            return ("reading {1} went to the RGK's billing on {2}: the decision stands; ask the RGK to correct it there",
                    "показание {1} передано в биллинг РГК {2}: решение отменить нельзя; исправление — через РГК")
        case .readingHasLater:
            return ("reading {1}: reading {2} of the same meter came or was accepted after it; reopen or decide that one first",
                    "показание {1}: после него по тому же прибору учета есть показание {2}; сначала отмените или примите решение по нему")
        case .bulkPlan:
            return ("{1} will do this:", "{1} сделает следующее:")
        case .bulkPlanRGK:
            return ("  of them in {1}: {2}", "  из них в {1}: {2}")
        case .bulkPlanMessages:
            return ("  messages to customers to be queued: {1}", "  сообщений клиентам будет поставлено в очередь: {1}")
        case .bulkPlanUnreachable:
            return ("  customers without an e-mail or mobile (to be told by phone or in person): {1}",
                    "  клиентов без e-mail и мобильного (сообщить по телефону или лично): {1}")
        case .bulkPlanFailures:
            return ("  refused: {1}", "  будет отказано: {1}")
        case .bulkQuestion:
            return ("Go ahead?", "Выполнить?")
        case .bulkCancelled:
            return ("nothing was changed", "ничего не изменено")
        case .bulkCannotAsk:
            return ("'{1}' is a bulk decision and the terminal cannot be asked; add --yes to go ahead, or --dry-run to look first",
                    "«{1}» — массовое решение, а спросить подтверждение в терминале не удалось; добавьте --yes, чтобы выполнить, или --dry-run, чтобы сначала посмотреть")
        case .dryRunNothingQueued:
            return ("dry run: nothing was written and no message was queued", "пробный запуск: ничего не записано, сообщения не поставлены в очередь")
        case .fileExists:
            return ("{1} already exists (or something else has that name); choose a new file name or remove it first; nothing was written",
                    "{1} уже существует (или это имя занято); выберите другое имя файла или удалите его; ничего не записано")
        case .fileCannotCreate:
            return ("cannot create {1}: {2}; nothing was written; check the directory and its permissions",
                    "не удается создать {1}: {2}; ничего не записано; проверьте каталог и права на него")
        case .fileCannotWrite:
            return ("cannot write {1}: {2}; the file was not kept; free some space or choose another place",
                    "не удается записать {1}: {2}; файл не сохранен; освободите место или выберите другое место")
        case .fileReadError:
            return ("cannot read {1}: {2}; the import stopped there; check the file and the disk, then run the same command again",
                    "не удается прочитать {1}: {2}; загрузка остановлена; проверьте файл и диск и повторите ту же команду")
        case .noOSLogin:
            return ("cannot tell who you are: uid {1} has no passwd entry",
                    "не удается определить пользователя: для uid {1} нет записи passwd")
        case .operatorUnknown:
            return ("you ({1}) are not an operator of {2}; an admin can add you: mygaz-admin operator add {1} --role clerk",
                    "вы ({1}) не зарегистрированы как оператор базы {2}; администратор может добавить вас: mygaz-admin operator add {1} --role clerk")
        case .roleRequired:
            return ("'{1}' needs the role {2}; you ({3}) are {4}",
                    "для «{1}» нужна роль {2}; ваша ({3}) роль — {4}")
        case .operatorAdded:
            return ("operator {1} added as {2}", "оператор {1} добавлен с ролью {2}")
        case .operatorRoleChanged:
            return ("operator {1}: {2} → {3}", "оператор {1}: {2} → {3}")
        case .operatorScopeChanged:
            return ("operator {1} works the RGKs: {2} → {3}", "оператор {1} работает с РГК: {2} → {3}")
        case .scopeBeyondOwn:
            return ("you ({1}) work only the RGKs {2}: you cannot give the RGK {3}; an admin of every RGK can",
                    "вы ({1}) работаете только с РГК {2}: дать РГК {3} вы не можете; это может администратор всех РГК")
        case .outsideScope:
            return ("you ({1}) do not work the RGK of {2} {3}: it is {4}'s; its clerks decide it",
                    "вы ({1}) не работаете с РГК, к которой относится {2} {3}: это РГК {4}; решают ее сотрудники")
        case .rgkOutsideScope:
            return ("you ({1}) do not work the RGK {2}: its clerks do, or an admin of every RGK",
                    "вы ({1}) не работаете с РГК {2}: это делают ее сотрудники или администратор всех РГК")
        case .importRGKOutsideScope:
            return ("{1}: its rows name the RGK {2}, which you ({3}) do not work; nothing was written — its clerks import it, or an admin of every RGK",
                    "{1}: в строках файла РГК {2}, с которой вы ({3}) не работаете; ничего не записано — загрузить его могут ее сотрудники или администратор всех РГК")
        case .scopeAllBeyondOwn:
            return ("you ({1}) work only the RGKs {2}: you cannot give every RGK; an admin of every RGK can",
                    "вы ({1}) работаете только с РГК {2}: дать все РГК вы не можете; это может администратор всех РГК")
        case .operatorRemoved:
            return ("operator {1} removed", "оператор {1} удален")
        case .lastAdmin:
            return ("{1} is the last admin; make another operator admin first",
                    "{1} — последний администратор; сначала назначьте администратором другого оператора")
        case .lastAdminOfAllRGKs:
            return ("{1} is the last admin of every RGK; make another operator admin of every RGK first",
                    "{1} — последний администратор всех РГК; сначала назначьте другого оператора администратором всех РГК")
        case .operatorNotOSLogin:
            return ("warning: {1} is not a login on this machine; the role works only where such a login exists",
                    "предупреждение: на этой машине нет пользователя {1}; роль подействует только там, где он есть")
        case .confirmRemoveOperator:
            return ("Remove operator {1}?", "Удалить оператора {1}?")

        case .batchRolledBack:
            return ("nothing was changed: the batch is all-or-nothing; fix the failures or add --continue-on-error",
                    "ничего не изменено: пакет выполняется целиком или никак; исправьте ошибки или добавьте --continue-on-error")
        case .transition:
            return ("{1} {2}: {3} → {4}", "{1} {2}: {3} → {4}")
        case .unchanged:
            return ("{1} {2}: already {3}, unchanged", "{1} {2}: уже {3}, без изменений")
        case .conflictState:
            return ("{1} {2} is '{3}'; '{4}' needs '{5}'", "{1} {2}: состояние «{3}»; для «{4}» нужно состояние «{5}»")
        case .expectStatusMismatch:
            return ("{1} {2} is {3}, not {4}: someone changed it meanwhile; look again with 'show'",
                    "{1} {2}: состояние «{3}», а не «{4}»: его тем временем изменили; посмотрите заново («show»)")
        case .dryRunNothingWritten:
            return ("dry run: nothing was written", "пробный запуск: ничего не записано")

        case .notApplied:
            return ("{1} {2}: not applied, because the batch was rolled back",
                    "{1} {2}: не выполнено, так как пакет отменен целиком")
        case .verbatim:
            return ("{1}", "{1}")
        case .secretsDiffer:
            return ("the two entries differ; nothing was changed", "введенные значения не совпадают; ничего не изменено")

        case .badAccountNumber:
            return ("'{1}' is not an account number; use the digits from the bill (023-185952 is 23185952)",
                    "«{1}» — не номер лицевого счета; укажите цифры с квитанции (023-185952 — это 23185952)")
        case .accountAmbiguous:
            return ("account {1} exists in several RGKs ({2}); add --rgk",
                    "лицевой счет {1} есть в нескольких РГК ({2}); добавьте --rgk")
        case .badLogin:
            return ("'{1}' is neither a Russian mobile number (+79XXXXXXXXX) nor an e-mail address",
                    "«{1}» — не номер мобильного телефона (+79XXXXXXXXX) и не адрес e-mail")
        case .badPassword:
            return ("a password must be 5 to 10 Latin letters or digits; nothing was changed",
                    "пароль должен состоять из 5–10 латинских букв или цифр; ничего не изменено")
        case .badEmail:
            return ("'{1}' is not an e-mail address",
                    "«{1}» — не адрес e-mail")
        case .badPhone:
            return ("'{1}' is not a Russian mobile number (+79XXXXXXXXX)",
                    "«{1}» — не номер мобильного телефона (+79XXXXXXXXX)")
        case .documentEmpty:
            return ("--document is empty: write the document the customer showed, e.g. --document 'паспорт 1234 567890' (kept masked to its last 4 digits)",
                    "--document пуст: укажите документ, который предъявил клиент, например --document 'паспорт 1234 567890' (хранится скрытым, кроме последних 4 цифр)")
        case .loginTaken:
            return ("the login {1} is already taken; find its user with 'user show {1}'",
                    "логин {1} уже занят; найти пользователя: «user show {1}»")
        case .loginTakenBy:
            return ("the login {1} already belongs to user {2}",
                    "логин {1} уже принадлежит пользователю {2}")
        case .codeNone:
            return ("user {1} has no open {2} code; send one with 'user resend-code {1}'",
                    "у пользователя {1} нет действующего кода ({2}); отправьте новый: «user resend-code {1}»")
        case .codeExpired:
            return ("the code of user {1} has expired; send a new one with 'user resend-code {1}'",
                    "срок кода пользователя {1} истек; отправьте новый: «user resend-code {1}»")
        case .codeTooManyAttempts:
            return ("the code of user {1} was tried 5 times; send a new one with 'user resend-code {1}'",
                    "код пользователя {1} вводился 5 раз; отправьте новый: «user resend-code {1}»")
        case .codeWrong:
            return ("wrong code for user {1}; {2} attempt(s) left",
                    "неверный код пользователя {1}; осталось попыток: {2}")
        case .tooManyLinks:
            return ("user {1} already has {2|linked account|linked accounts}, the maximum; unlink one first",
                    "у пользователя {1} уже {2|привязанный счет|привязанных счета|привязанных счетов} — это максимум; сначала отвяжите один")
        case .linkMissing:
            return ("user {1} has no link to account {2}; link it first with 'user link'",
                    "пользователь {1} не привязан к счету {2}; сначала привяжите его («user link»)")
        case .linkLocked:
            return ("the link of user {1} to account {2} is locked after 5 wrong answers; run 'user unlock-extended' after checking the customer",
                    "привязка пользователя {1} к счету {2} заблокирована после 5 неверных ответов; проверьте клиента и выполните «user unlock-extended»")
        case .linkNowLocked:
            return ("wrong answer; that was the 5th: the link of user {1} to account {2} is now locked",
                    "неверный ответ; это был 5-й: привязка пользователя {1} к счету {2} заблокирована")
        case .answerWrong:
            return ("the answer matches no PIN, meter serial or last charge (in kopecks) of the account; {1} attempt(s) left",
                    "ответ не совпадает ни с ПИН-кодом, ни с заводским номером прибора учета, ни с последним начислением (в копейках); осталось попыток: {1}")
        case .pinRequestOtherAccount:
            return ("PIN request {1} is not for account {2}",
                    "запрос ПИН-кода {1} относится не к счету {2}")
        case .outboxSecretErased:
            return ("message {1} carried a PIN or a code, erased when it failed; nothing was queued; issue a new one (pin issue, user resend-code)",
                    "сообщение {1} содержало ПИН-код или код, стертый при неудачной доставке; ничего не поставлено в очередь; выдайте новый (pin issue, user resend-code)")
        case .pinBadEmail:
            return ("PIN request {1}: «{2}» is not an e-mail address; nothing was issued; issue the PIN at the desk instead (without --send)",
                    "запрос ПИН-кода {1}: «{2}» — не адрес e-mail; ничего не выдано; выдайте код в окне (без --send)")
        case .pinNoEmail:
            return ("PIN request {1} has no e-mail or mobile to send to; issue the PIN at the desk instead (without --send)",
                    "в запросе ПИН-кода {1} нет ни e-mail, ни мобильного для отправки; выдайте код в окне (без --send)")
        case .moreRows:
            return ("showing the first {1|row|rows}; use --limit N (0 for all) or a filter",
                    "показаны не все строки, выведено: {1}; используйте --limit N (0 — все) или фильтр")
        case .nothingFound:
            return ("nothing found", "ничего не найдено")
        case .nothingFoundFor:
            return ("nothing found for «{1}»", "ничего не найдено по «{1}»")
        case .tableColumnsHidden:
            return ("not shown at this width: {1} (all columns: --format csv)",
                    "не поместились по ширине: {1} (все столбцы: --format csv)")
        case .promptPassword:
            return ("New password (5–10 Latin letters or digits): ",
                    "Новый пароль (5–10 латинских букв или цифр): ")
        case .promptPasswordAgain:
            return ("The same password again: ",
                    "Повторите пароль: ")
        case .userCreated:
            return ("user {1} created: {2} (active, consent given in person)",
                    "создан пользователь {1}: {2} (активен, согласие дано лично)")
        case .passwordShownOnce:
            return ("password (shown once, give it to the customer): {1}",
                    "пароль (показан один раз, передайте клиенту): {1}")
        case .codeOneUser:
            return ("--code-stdin checks one user's code; give exactly one USER",
                    "--code-stdin проверяет код одного пользователя; укажите ровно одного")
        case .passwordReset:
            return ("user {1}: password changed; open recovery codes voided",
                    "пользователь {1}: пароль изменен; открытые коды восстановления аннулированы")
        case .loginChanged:
            return ("user {1}: login {2} → {3}",
                    "пользователь {1}: логин {2} → {3}")
        case .badUsername:
            return ("«{1}» is not a username: Latin or Russian letters and spaces, at most {2}, beginning and ending with a letter",
                    "«{1}» — не имя пользователя: латинские или русские буквы и пробелы, не более {2}, первая и последняя — буквы")
        case .usernameTakenBy:
            return ("the username «{1}» is taken by user {2} (case aside)",
                    "имя пользователя «{1}» уже занято пользователем {2} (без учета регистра)")
        case .usernameChanged:
            return ("user {1}: username {2} → «{3}»",
                    "пользователь {1}: имя пользователя {2} → «{3}»")
        case .codeQueued:
            return ("user {1}: new {2} code queued by {3} to {4}, valid until {5}",
                    "пользователь {1}: новый код ({2}) поставлен в очередь, {3} на {4}, действует до {5}")
        case .queuesRecounted:
            return ("every queue counted anew; {1|count was|counts were} wrong", "все очереди пересчитаны; {1|счетчик был неверен|счетчика были неверны|счетчиков были неверны}")
        case .pinKeyUnreadable:
            return ("the bill PINs' digest key {1} cannot be read ({2}); nothing was imported; restore it from where the database's backups are, or move it away: a new key is made and the next import re-issues every PIN once",
                    "ключ отпечатков ПИН-кодов {1} не читается ({2}); ничего не импортировано; восстановите его из резервной копии или уберите: будет создан новый ключ, и следующий импорт один раз перевыпустит все ПИН-коды")
        case .activationQueued:
            return ("user {1}: a new activation link for the {2} sign-in queued to {3}, valid once until {4}",
                    "пользователь {1}: новая ссылка для активации входа через {2} поставлена в очередь на {3}, действует один раз до {4}")
        case .noIdentityToActivate:
            return ("user {1} has no sign-in through an outside service waiting for activation; see 'user show {1}'",
                    "у пользователя {1} нет входа через внешний сервис, ожидающего активации; см. «user show {1}»")
        case .identityNotWaiting:
            return ("user {1} has no {2} sign-in waiting for activation; see 'user show {1}'",
                    "у пользователя {1} нет входа через {2}, ожидающего активации; см. «user show {1}»")
        case .identityAmbiguous:
            return ("user {1} has several sign-ins waiting for activation ({2}); choose one with --identity",
                    "у пользователя {1} несколько входов, ожидающих активации ({2}); выберите один: --identity")
        case .identityWithoutEmail:
            return ("user {1}: the {2} sign-in has no usable e-mail ({3}) for the activation link; the customer signs in again with an address, or registers with a phone",
                    "пользователь {1}: у входа через {2} нет пригодного e-mail ({3}) для ссылки активации; пусть клиент войдет заново с адресом или зарегистрируется по телефону")
        case .portalURLNotSet:
            return ("the portal's address for activation links is not set; nothing was queued; run: mygaz-admin config set {1} https://…",
                    "адрес портала для ссылок активации не задан; ничего не поставлено в очередь; выполните: mygaz-admin config set {1} https://…")
        case .spellingRepairable:
            return ("user {1}: {2} «{3}» is stored in another spelling; normal form {4} (db repair-logins)",
                    "пользователь {1}: {2} «{3}» записан не в единой форме; должно быть {4} (db repair-logins)")
        case .spellingRepaired:
            return ("user {1}: {2} «{3}» → {4}", "пользователь {1}: {2} «{3}» → {4}")
        case .spellingTaken:
            return ("user {1}: {2} «{3}» is stored in another spelling, and its normal form {4} is the login of user {5}: a person must decide which account stays",
                    "пользователь {1}: {2} «{3}» записан не в единой форме, а его единая форма {4} — логин пользователя {5}: решите, какая учетная запись остается")
        case .spellingNotAContact:
            return ("user {1}: {2} «{3}» is neither a Russian mobile number nor an e-mail address; correct it with 'user set-login' or 'user edit'",
                    "пользователь {1}: {2} «{3}» — не номер мобильного и не адрес e-mail; исправьте через «user set-login» или «user edit»")
        case .spellingsRepaired:
            return ("{1|field|fields} put in the normal form; {2|field needs|fields need} a person",
                    "{1|поле приведено|поля приведены|полей приведено} к единой форме; {2|поле требует|поля требуют|полей требуют} решения человека")
        case .spellingsDryRun:
            return ("dry run: {1|field|fields} would be put in the normal form, {2|field needs|fields need} a person; nothing was changed",
                    "пробный запуск: {1|поле было бы приведено|поля были бы приведены|полей было бы приведено} к единой форме, {2|поле требует|поля требуют|полей требуют} решения человека; ничего не изменено")
        case .spellingsMore:
            return ("and {1} more: mygaz-admin db repair-logins --dry-run lists them all",
                    "и еще {1}: полный список — mygaz-admin db repair-logins --dry-run")
        case .spellingsNone:
            return ("every login, e-mail and phone of the portal's users is in the normal form",
                    "все логины, e-mail и телефоны пользователей портала в единой форме")
        case .confirmDeleteUser:
            return ("Erase the personal data of user {1} ({2})? This cannot be undone.",
                    "Удалить персональные данные пользователя {1} ({2})? Отменить будет нельзя.")
        case .purgeWouldRemove:
            return ("{1} unconfirmed registration(s) to remove",
                    "неподтвержденных регистраций к удалению: {1}")
        case .confirmPurge:
            return ("Remove {1} unconfirmed registration(s)?",
                    "Удалить неподтвержденные регистрации ({1})?")
        case .purged:
            return ("removed {1} unconfirmed registration(s)",
                    "удалено неподтвержденных регистраций: {1}")
        case .linked:
            return ("user {1}: account {2} linked (restricted version)",
                    "пользователь {1}: счет {2} привязан (ограниченная версия)")
        case .alreadyLinked:
            return ("user {1}: account {2} is already linked, unchanged",
                    "пользователь {1}: счет {2} уже привязан, без изменений")
        case .unlinked:
            return ("user {1}: account {2} unlinked (the account stays)",
                    "пользователь {1}: счет {2} отвязан (сам счет сохранен)")
        case .notLinked:
            return ("user {1}: account {2} was not linked, unchanged",
                    "пользователь {1}: счет {2} не был привязан, без изменений")
        case .cardUnlinked:
            return ("user {1}: bank card {2} unlinked",
                    "пользователь {1}: банковская карта {2} отвязана")
        case .cardNotFound:
            return ("user {1} has no linked bank card {2}; 'user show {1}' lists the cards by id and last 4 digits",
                    "у пользователя {1} нет привязанной банковской карты {2}; карты с их id и последними 4 цифрами — в «user show {1}»")
        case .cardAmbiguous:
            return ("user {1} has more than one bank card ending in {2}; give the card's id from 'user show {1}'",
                    "у пользователя {1} несколько банковских карт, оканчивающихся на {2}; укажите id карты из «user show {1}»")
        case .extendedUnlocked:
            return ("user {1}: the link to {2} is unlocked; the customer may answer again",
                    "пользователь {1}: привязка к {2} разблокирована; клиент может ответить снова")
        case .extendedNotLocked:
            return ("user {1}: the link to {2} was not locked, unchanged",
                    "пользователь {1}: привязка к {2} не была заблокирована, без изменений")
        case .pinRefusePipe:
            return ("a PIN is shown only on a terminal; add --print to print it into a pipe, or --send to e-mail it",
                    "ПИН-код показывается только в терминале; добавьте --print, чтобы вывести его в конвейер, или --send, чтобы отправить по e-mail")
        case .pinShownOnce:
            return ("PIN for {1}: {2} (valid until {3}; shown once, stored only as a hash)",
                    "ПИН-код для {1}: {2} (действует до {3}; показан один раз, хранится только хэш)")
        case .pinSent:
            return ("PIN for {1} queued {2} (valid until {3}); it is not shown",
                    "ПИН-код для {1} поставлен в очередь {2} (действует до {3}); он не показывается")
        case .pinEarlierRevoked:
            return ("{1} earlier PIN(s) of the account revoked",
                    "прежних ПИН-кодов счета отозвано: {1}")
        case .pinRevoked:
            return ("account {1}: PIN revoked",
                    "счет {1}: ПИН-код отозван")
        case .pinNoneActive:
            return ("account {1} has no active PIN, unchanged",
                    "у счета {1} нет действующего ПИН-кода, без изменений")

        case .readingBreaksRules:
            return ("reading {1} breaks a rule ({2}); reject it, or accept it with --force --reason TEXT",
                    "показание {1} нарушает правило ({2}); отклоните его или примите с --force --reason ТЕКСТ")
        case .reasonNotBroken:
            return ("reading {1} does not break the rule «{2}»; confirm it at a terminal, or add --force with --message saying why to the customer",
                    "показание {1} не нарушает правило «{2}»; подтвердите это в терминале или добавьте --force и --message с объяснением для клиента")
        case .reasonNotBrokenQuestion:
            return ("{1|reading does|readings do} not break the rule «{2}» ({3}); the customer is told it all the same. Reject anyway?",
                    "{1|показание не нарушает|показания не нарушают|показаний не нарушают} правило «{2}» ({3}); клиенту будет сказано именно это. Все равно отклонить?")
        case .forceNeedsReason:
            return ("reading {1}: accepting despite a broken rule needs the reason why (--reason TEXT)",
                    "показание {1}: чтобы принять вопреки нарушенному правилу, укажите причину (--reason ТЕКСТ)")
        case .otherNeedsMessage:
            return ("--reason other needs --message to tell the customer what is wrong",
                    "для --reason other нужно --message: что сообщить клиенту")
        case .messageQueued:
            return ("message to {1} queued (it goes out with outbox send)",
                    "сообщение для {1} поставлено в очередь (уйдет при outbox send)")
        case .recipientRefused:
            return ("the customer's contact «{1}» is not an e-mail address or a mobile number: nothing was sent (message {2} failed); tell the customer another way",
                    "контакт клиента «{1}» — не адрес e-mail и не номер мобильного: ничего не отправлено (сообщение {2} не доставлено); сообщите клиенту иначе")
        case .readingInFuture:
            return ("the reading's date {1} is in the future",
                    "дата показания {1} еще не наступила")
        case .readingRefused:
            return ("reading {1} refused, it breaks: {2}; nothing was written",
                    "показание {1} не принято, нарушено: {2}; ничего не записано")
        case .readingNotWhole:
            return ("--value: '{1}' is not a whole number of m³ (rule 1)",
                    "--value: «{1}» — не целое число м³ (правило 1)")
        case .fileMissing:
            return ("no such file: {1}",
                    "нет такого файла: {1}")
        case .fileUnreadable:
            return ("cannot read or write {1}; check the path and permissions",
                    "не удается прочитать или записать {1}; проверьте путь и права")
        case .attachmentTooLarge:
            return ("{1} is {2} MiB; an attachment may be at most 10 MiB",
                    "{1} занимает {2} МиБ; вложение может быть не больше 10 МиБ")
        case .attachmentEmpty:
            return ("{1} is empty",
                    "{1} пустой")
        case .attachmentType:
            return ("{1} is not a pdf, jpeg or png file (checked by its content, not its name)",
                    "{1} — не файл pdf, jpeg или png (проверяется содержимое, а не имя)")
        case .attachmentExists:
            return ("there is already an attachment named {1}; rename the file",
                    "вложение с именем {1} уже есть; переименуйте файл")
        case .assignedTo:
            return ("{1} {2}: assigned {3} → {4}",
                    "{1} {2}: исполнитель {3} → {4}")
        case .alreadyAssigned:
            return ("{1} {2}: already assigned to {3}, unchanged",
                    "{1} {2}: уже назначена {3}, без изменений")
        case .kindNeeds:
            return ("an application of kind {1} needs {2}",
                    "для заявки вида {1} нужно {2}")
        case .pendingTotal:
            return ("{1} pending in all; a reading may break several rules",
                    "всего в обработке: {1}; одно показание может нарушать несколько правил")
        case .wouldAcceptAll:
            return ("would accept {1} readings; {2} break a rule (see: mygaz-admin reading list --violations)",
                    "будет принято показаний: {1}; с нарушениями: {2} (см. mygaz-admin reading list --violations)")
        case .acceptedAll:
            return ("accepted {1} readings; {2} break a rule (see: mygaz-admin reading list --violations)",
                    "принято показаний: {1}; с нарушениями: {2} (см. mygaz-admin reading list --violations)")
        case .wouldRejectAll:
            return ("would reject {1} readings that break a rule; {2} break none",
                    "будет отклонено показаний с нарушениями: {1}; без нарушений: {2}")
        case .rejectedAll:
            return ("rejected {1} readings that break a rule; {2} break none",
                    "отклонено показаний с нарушениями: {1}; без нарушений: {2}")
        case .badAlias:
            return ("'{1}' is not a name for an account (1 to 64 characters)", "«{1}» — не название счета (от 1 до 64 знаков)")
        case .aliasSet:
            return ("user {1}: account {2} is named «{3}»", "пользователь {1}: счет {2} назван «{3}»")
        case .aliasCleared:
            return ("user {1}: account {2} has no name now", "пользователь {1}: у счета {2} больше нет названия")
        case .aliasNeedsText:
            return ("give the account's name, or --clear to remove it (not both)", "укажите название счета или --clear, чтобы его убрать (не то и другое)")
        case .profileEdited:
            return ("user {1}: changed {2}", "пользователь {1}: изменено: {2}")
        case .profileUnchanged:
            return ("user {1}: nothing to change", "пользователь {1}: изменять нечего")
        case .badSwitch:
            return ("{1}: '{2}' is neither on nor off", "{1}: «{2}» — не on и не off")
        case .ticketNotYours:
            return ("ticket {1} is addressed to {2}: '{4}' there is for the role {3} (or an admin)",
                    "обращение {1} адресовано: {2}; «{4}» для него выполняет роль «{3}» (или администратор)")
        case .contractAmbiguous:
            return ("contract {1} is in several RGKs ({2}); add --rgk", "договор {1} есть в нескольких РГК ({2}); добавьте --rgk")
        case .actAmbiguous:
            return ("act {1} is under several contracts ({2}); find it with 'act list --contract'",
                    "акт {1} есть в нескольких договорах ({2}); найдите его через «act list --contract»")
        case .serialNeeded:
            return ("account {1} has not exactly one working meter ({2}); give --serial", "у лицевого счета {1} не один исправный прибор учета ({2}); укажите --serial")
        case .officeAmbiguous:
            return ("'{1}' names several offices ({2}); give the id", "«{1}» подходит к нескольким отделениям ({2}); укажите ID")
        case .paymentAmbiguous:
            return ("payment number {1} is in several RGKs ({2}); give the id from 'payment list'",
                    "платеж с номером {1} есть в нескольких РГК ({2}); укажите ID из «payment list»")
        case .badPeriod:
            return ("{1}: '{2}' is not a month; write 2026-11 or 11.2026", "{1}: «{2}» — не месяц; пишите 2026-11 или 11.2026")
        case .printFailed:
            return ("the print command «{1}» failed ({2}); nothing was printed; root sets it as print.command in {3}, or give MYGAZ_PRINT_COMMAND",
                    "команда печати «{1}» не сработала ({2}); ничего не напечатано; root задаст ее как print.command в {3}, или укажите MYGAZ_PRINT_COMMAND")
        case .billFuturePeriod:
            return ("period {1} has not come yet; a bill is made for a month that has settlements",
                    "период {1} еще не наступил; квитанция формируется за месяц, по которому есть взаиморасчеты")
        case .billNoSettlements:
            return ("account {1} has no settlements for {2}; import the RGK's settlements file ('mygaz-admin import settlements') or give another --period",
                    "по лицевому счету {1} нет взаиморасчетов за {2}; загрузите файл взаиморасчетов РГК («mygaz-admin import settlements») или укажите другой --period")
        case .billNoSettlementsAtAll:
            return ("account {1} has no settlements at all; import the RGK's settlements file ('mygaz-admin import settlements') first",
                    "по лицевому счету {1} нет взаиморасчетов ни за один месяц; сначала загрузите файл взаиморасчетов РГК («mygaz-admin import settlements»)")
        case .billNoBankDetails:
            return ("RGK {1} has no {2} for its bills; an admin imports them: 'mygaz-admin import rgk FILE' with the columns inn, kpp, bank_account, bank_name, bic, corr_account",
                    "у РГК {1} не заполнено для квитанций: {2}; администратор загрузит реквизиты: «mygaz-admin import rgk ФАЙЛ» со столбцами inn, kpp, bank_account, bank_name, bic, corr_account")
        case .billNoFont:
            return ("the font {1} is missing: install the package fonts-dejavu-core (apt install fonts-dejavu-core)",
                    "нет шрифта {1}: установите пакет fonts-dejavu-core (apt install fonts-dejavu-core)")
        case .billWritten:
            return ("bill of account {1} for {2} written to {3} (to pay: {4} ₽)", "квитанция по лицевому счету {1} за {2} записана в {3} (к оплате: {4} ₽)")
        case .billPrinted:
            return ("bill of account {1} for {2} sent to the printer ({3})", "квитанция по лицевому счету {1} за {2} отправлена на печать ({3})")
        case .billQueued:
            return ("bill of account {1} for {2} queued to {3} (goes with outbox send)",
                    "квитанция по лицевому счету {1} за {2} поставлена в очередь для {3} (уйдет при outbox send)")
        case .billMailingPlan:
            return ("bills for {1}: {2|message|messages} to queue, already queued before: {3}",
                    "квитанции за {1}: к отправке сообщений {2}, уже поставлено ранее: {3}")
        case .noticePlan:
            return ("{1}: {2|message|messages} to queue, already queued before: {3}, no usable e-mail or mobile: {4}",
                    "{1}: к отправке сообщений {2}, уже поставлено ранее: {3}, нет годного e-mail или мобильного: {4}")
        case .noticeDone:
            return ("{1}: queued {2}, already queued before {3}, not sent (no usable e-mail or mobile) {4}; they go with outbox send",
                    "{1}: поставлено в очередь {2}, уже было ранее {3}, не отправлено (нет годного e-mail или мобильного) {4}; уйдут при outbox send")
        case .noticeFileNotUTF8:
            return ("{1}: the news text is not UTF-8 (byte {2}); save it as UTF-8; nothing was queued",
                    "{1}: текст новости не в UTF-8 (байт {2}); сохраните его в UTF-8; ничего не поставлено в очередь")
        case .noticeFileEmpty:
            return ("{1}: the news text is empty; nothing was queued",
                    "{1}: текст новости пуст; ничего не поставлено в очередь")
        case .noticeLimitedSkipped:
            return ("skipped, linked with the limited version (the portal shows no settlements there, so no amount is told): {1}",
                    "пропущено, счет подключен в ограниченной версии (в ней не видны взаиморасчеты, сумма не сообщается): {1}")
        case .noticePreview:
            return ("the letter, as the first user gets it:",
                    "письмо, как его получит первый пользователь:")
        case .billMailingDone:
            return ("bills for {1}: queued {2}, already queued before {3}, not sent (no usable e-mail) {4}; they go with outbox send",
                    "квитанции за {1}: поставлено в очередь {2}, уже было ранее {3}, не отправлено (нет годного e-mail) {4}; уйдут при outbox send")
        case .billNoEmail:
            return ("account {1}: the customer has no e-mail to send the bill to; print it (--print) or save it (--output)",
                    "лицевой счет {1}: у клиента нет e-mail для квитанции; распечатайте ее (--print) или сохраните (--output)")
        case .billNoUser:
            return ("account {1}: no portal user is linked with it, so there is no e-mail to send the bill to; print it (--print) or save it (--output)",
                    "лицевой счет {1}: к нему не привязан ни один пользователь личного кабинета — e-mail для квитанции нет; распечатайте ее (--print) или сохраните (--output)")
        case .billLimitedOnly:
            return ("account {1}: linked with the limited version only — bills go by e-mail with the extended version; print it (--print) or save it (--output)",
                    "лицевой счет {1}: привязан только в ограниченной версии — квитанции на e-mail приходят в расширенной; распечатайте ее (--print) или сохраните (--output)")
        case .billLinkLocked:
            return ("account {1}: its extended link is locked (wrong answers), so bills are not e-mailed; print it (--print) or save it (--output)",
                    "лицевой счет {1}: расширенный доступ заблокирован (неверные ответы) — квитанции на e-mail не отправляются; распечатайте ее (--print) или сохраните (--output)")
        case .billUserNotActive:
            return ("account {1}: the portal user linked with it is not active (blocked or unconfirmed); print it (--print) or save it (--output)",
                    "лицевой счет {1}: привязанный пользователь личного кабинета не активен (заблокирован или не подтвержден); распечатайте ее (--print) или сохраните (--output)")
        case .importBadINN:
            return ("'{1}' is not an INN of an organisation (10 digits with a valid check digit)",
                    "«{1}» — не ИНН организации (10 цифр с верной контрольной цифрой)")
        case .importBadKPP:
            return ("'{1}' is not a KPP (9 characters)", "«{1}» — не КПП (9 знаков)")
        case .importBadBIC:
            return ("'{1}' is not a BIC (9 digits starting with 04)", "«{1}» — не БИК (9 цифр, начинается с 04)")
        case .importBadBankAccount:
            return ("account '{1}' does not check with BIC {2} (20 digits, a key digit); check both against the bank's letter",
                    "счет «{1}» не сходится с БИК {2} (20 цифр с ключом); сверьте оба с письмом банка")
        case .importBankNeedsBIC:
            return ("a bank account needs the bank's BIC in the bic column", "для банковского счета нужен БИК банка в столбце bic")
        case .noteInitialAdmin:
            return ("the first admin, made by init", "первый администратор (init)")
        case .noteRegisteredAtOffice:
            return ("registered at the office; consent given in person", "зарегистрирован в офисе; согласие дано лично")
        case .noteConfirmedInPerson:
            return ("confirmed in person", "подтвержден лично")
        case .noteConfirmedWithCode:
            return ("confirmed with the customer's code", "подтвержден кодом клиента")
        case .noteCodeAttempt:
            return ("wrong code: attempt {1} of {2}", "неверный код: попытка {1} из {2}")
        case .noteRecoveryCodesVoided:
            return ("open recovery codes voided: {1}", "аннулировано открытых кодов восстановления: {1}")
        case .noteCodeSent:
            return ("sent by {1}", "отправлен ({1})")
        case .noteAnswerAttempt:
            return ("wrong answer: attempt {1} of {2}", "неверный ответ: попытка {1} из {2}")
        case .noteAnswerAttemptLocked:
            return ("wrong answer: attempt {1} of {2}; the link is locked", "неверный ответ: попытка {1} из {2}; привязка заблокирована")
        case .noteExtendedVia:
            return ("unlocked by {1}", "подключена по: {1}")
        case .noteDeliveryTimedOut:
            return ("the delivery timed out; the message may have gone", "время доставки истекло; сообщение могло уйти")
        case .noteSenderDied:
            return ("the sending process died mid-delivery; the message may have gone", "отправка прервалась на середине; сообщение могло уйти")
        case .noteFAQAnswer:
            return ("answered from FAQ entry {1}", "ответ из FAQ, вопрос {1}")
        case .noteTicketOpened:
            return ("{1}; to: {2}; topic: {3}", "{1}; адресат: {2}; тема: {3}")
        case .noteApplicationCreated:
            return ("taken at the office: {1}", "принята в офисе: {1}")
        case .noteDemoGenerated:
            return ("demo region: {1|account|accounts}, seed {2}, date {3}", "демонстрационный регион: лицевых счетов {1}, seed {2}, дата {3}")
        case .noteErased:
            return ("personal data erased on request: links removed {1}; anonymised: applications {2}, tickets {3}, PIN requests {4}; "
                    + "waiting messages cancelled {5}; cleared: messages {6}, audit rows {7}",
                    "персональные данные удалены по заявлению: привязок удалено {1}; обезличено: заявок {2}, обращений {3}, запросов ПИН-кода {4}; "
                    + "отменено сообщений в очереди {5}; очищено: сообщений {6}, записей журнала {7}")
        case .notePinIssuedShown:
            return ("account {1}; earlier PINs revoked: {2}; shown once", "счет {1}; прежних ПИН-кодов отозвано: {2}; показан один раз")
        case .notePinIssuedSent:
            return ("account {1}; earlier PINs revoked: {2}; queued to the requester", "счет {1}; прежних ПИН-кодов отозвано: {2}; отправлен заявителю")
        case .noteReadingByPhone:
            return ("by phone: {1} on {2}, meter {3} of {4}", "по телефону: {1} на {2}, прибор {3}, счет {4}")
        case .noteReadingRule:
            return ("rule: {1}", "правило: {1}")
        case .notePurgedUnconfirmed:
            return ("unconfirmed registrations before {2} removed: {1}", "удалено неподтвержденных регистраций до {2}: {1}")
        case .noteBillsQueued:
            return ("bills for {1} queued: {2} {3}", "квитанции за {1} поставлены в очередь: {2} {3}")
        case .noteProfileField:
            return ("changed at the desk: {1}", "изменено в офисе: {1}")
        case .noteImported:
            return ("{1}: read {2}, new {3}, updated {4}, unchanged {5}, rejected {6}",
                    "{1}: прочитано {2}, новых {3}, изменено {4}, без изменений {5}, отклонено {6}")
        case .countLine:
            return ("  {1}: {2}",
                    "  {1}: {2}")
        case .readingEntered:
            return ("reading {1} for {2}, meter {3}: {4} m³ — {5} (consumption {6})",
                    "показание {1} по {2}, прибор {3}: {4} м³ — {5} (расход {6})")
        case .applicationCreated:
            return ("application {1} ({2}) entered: submitted",
                    "заявка {1} ({2}) внесена: в обработке")
        case .binaryToTerminal:
            return ("that is a binary file; write it with --output FILE or redirect stdout",
                    "это двоичный файл; сохраните его с --output ФАЙЛ или перенаправьте вывод")
        case .fileWritten:
            return ("wrote {1} ({2|byte|bytes})",
                    "записан {1} ({2|байт|байта|байт})")

        case .emptyMessage:
            return ("the message is empty; nothing was sent",
                    "сообщение пустое; ничего не отправлено")
        case .officeOtherRGK:
            return ("office {1} belongs to another RGK than --rgk",
                    "отделение {1} относится к другой РГК, чем указана в --rgk")
        case .replyCancelled:
            return ("ticket {1}: the message was left empty or unchanged; nothing was sent",
                    "обращение {1}: сообщение оставлено пустым или без изменений; ничего не отправлено")
        case .ticketOpened:
            return ("ticket {1} ({2}) opened: new",
                    "обращение {1} ({2}) зарегистрировано: новое")
        case .editorFailed:
            return ("the editor {1} failed ({2}); nothing was sent",
                    "редактор {1} завершился с ошибкой ({2}); ничего не отправлено")
        case .faqEditorHint:
            return ("The answer to «{1}». Lines starting with # are dropped; an empty or unchanged text saves nothing.",
                    "Ответ на вопрос «{1}». Строки с # не сохраняются; пустой или неизмененный текст ничего не сохраняет.")
        case .faqNotSaved:
            return ("the answer was left empty or unchanged: nothing was saved",
                    "ответ оставлен пустым или без изменений: ничего не сохранено")
        case .editorInterrupted:
            return ("the editor {1} was interrupted; nothing was sent",
                    "редактор {1} прерван; ничего не отправлено")
        case .faqAdded:
            return ("FAQ entry {1} added",
                    "вопрос FAQ {1} добавлен")
        case .faqEdited:
            return ("FAQ entry {1} changed",
                    "вопрос FAQ {1} изменен")
        case .faqUnchanged:
            return ("FAQ entry {1}: nothing to change, unchanged",
                    "вопрос FAQ {1}: менять нечего, без изменений")
        case .faqRemoved:
            return ("FAQ entry {1} removed",
                    "вопрос FAQ {1} удален")
        case .confirmRemoveFAQ:
            return ("Remove FAQ entry {1} «{2}»?",
                    "Удалить вопрос FAQ {1} «{2}»?")
        case .outboxReport:
            return ("sent {1}; {2} will be retried; {3} failed for good (see: mygaz-admin outbox list --status failed)",
                    "отправлено: {1}; будет повторено: {2}; не доставлено: {3} (см. mygaz-admin outbox list --status failed)")
        case .outboxRecovered:
            return ("{1|message|messages} claimed by a process that died before delivering put back in the queue",
                    "сообщений, захваченных завершившимся процессом до доставки: {1}; они возвращены в очередь")
        case .outboxInDoubt:
            return ("{1|message was|messages were} interrupted during delivery and may have gone out; marked failed: check, then outbox retry",
                    "сообщений, прерванных во время доставки (могли уйти): {1}; они отмечены как недоставленные: проверьте и выполните outbox retry")
        case .outboxCancelled:
            return ("{1|message was|messages were} cancelled, not sent: what queued them no longer holds (see: mygaz-admin outbox list --status cancelled)",
                    "отменено, не отправлено сообщений: {1}; то, из-за чего они были поставлены в очередь, уже не так (см. mygaz-admin outbox list --status cancelled)")

        case .importEmpty:
            return ("the value is empty but required",
                    "значение не заполнено, а оно обязательно")
        case .importNotANumber:
            return ("'{1}' is not a number",
                    "«{1}» — не число")
        case .importOutOfRange:
            return ("{1} is out of the allowed range",
                    "{1} вне допустимого диапазона")
        case .importNotAnAmount:
            return ("'{1}' is not an amount in rubles (e.g. -3319,52)",
                    "«{1}» — не сумма в рублях (например, -3319,52)")
        case .importNotADate:
            return ("'{1}' is not a date (DD.MM.YYYY)",
                    "«{1}» — не дата (ДД.ММ.ГГГГ)")
        case .importNotAPeriod:
            return ("'{1}' is not a month (MM.YYYY)",
                    "«{1}» — не месяц (ММ.ГГГГ)")
        case .importUnknownCode:
            return ("'{1}' is not one of: {2}",
                    "«{1}» — допустимо одно из: {2}")
        case .importNeedsRGK:
            return ("the file has no RGK column; give --rgk CODE",
                    "в файле нет столбца РГК; укажите --rgk КОД")
        case .importUnknownRGK:
            return ("unknown RGK '{1}'; import it first (import rgk)",
                    "неизвестная РГК «{1}»; сначала загрузите ее (import rgk)")
        case .importOtherRGK:
            return ("the row belongs to RGK '{1}', not to --rgk {2}",
                    "строка относится к РГК «{1}», а не к --rgk {2}")
        case .importMissingParent:
            return ("no {1} {2} yet; import {3} first",
                    "еще нет: {1} {2}; сначала загрузите {3}")
        case .importBadRGKCode:
            return ("'{1}' is not an RGK code (2–32 Latin letters, digits, _ or -)",
                    "«{1}» — не код РГК (2–32 латинские буквы, цифры, _ или -)")
        case .importBadPIN:
            return ("a PIN is 4 to 12 digits (the value is not shown)",
                    "ПИН-код — от 4 до 12 цифр (значение не показывается)")
        case .importNoHeader:
            return ("{1} is empty: it has no header line",
                    "{1} пуст: в нем нет строки заголовка")
        case .importUnterminatedQuote:
            return ("a quote opened here is never closed",
                    "открытая здесь кавычка не закрыта до конца файла")
        case .importColumnCount:
            return ("the header has {1|column|columns}, this row {2}",
                    "в заголовке {1|столбец|столбца|столбцов}, в строке — {2}")
        case .importNUL:
            return ("the row holds a NUL byte",
                    "строка содержит нулевой байт")
        case .importInvalidBytes:
            return ("the row holds bytes that are not {1}; try --encoding",
                    "строка содержит байты не в кодировке {1}; попробуйте --encoding")
        case .importBadHeader:
            return ("{1}:1: the header line is not {2}; try --encoding",
                    "{1}:1: строка заголовка не в кодировке {2}; попробуйте --encoding")
        case .importDuplicateColumn:
            return ("{1}:1: the column {2} appears twice in the header; keep one of them",
                    "{1}:1: столбец {2} встречается в заголовке дважды; оставьте один")
        case .importMissingColumn:
            return ("{1}:1: no column {2} {3} in the header (read as {4}; see --encoding)",
                    "{1}:1: в заголовке нет столбца {2} {3} (прочитан как {4}; см. --encoding)")
        case .importRefused:
            return ("{1}: {2|bad row|bad rows}; nothing was written; fix them, or use --skip-invalid --rejects FILE",
                    "{1}: ошибочных строк: {2}; ничего не записано; исправьте их или используйте --skip-invalid --rejects ФАЙЛ")
        case .importMoreBadRows:
            return ("… and {1} more problem(s)",
                    "… и еще ошибок: {1}")
        case .importSummary:
            return ("imported {1} from {2} ({3}, '{4}'): {5|row|rows} read, {6} inserted, {7} updated, {8} unchanged, {9} rejected in {10} s (batch {11})",
                    "загружено ({1}) из {2} ({3}, «{4}»): прочитано строк {5}, добавлено {6}, изменено {7}, без изменений {8}, отклонено {9} за {10} с (загрузка {11})")
        case .importDrySummary:
            return ("would import {1} from {2} ({3}, '{4}'): {5|row|rows} read, {6} inserted, {7} updated, {8} unchanged, {9} rejected in {10} s",
                    "будет загружено ({1}) из {2} ({3}, «{4}»): прочитано строк {5}, добавится {6}, изменится {7}, без изменений {8}, отклонено {9} за {10} с")
        case .importResumed:
            return ("finished the interrupted import {1}",
                    "завершена прерванная загрузка {1}")
        case .importNothingChanged:
            return ("nothing changed: the database already held this data",
                    "ничего не изменилось: эти данные уже были в базе")
        case .exportWritten:
            return ("{1} readings written to {2}",
                    "выгружено показаний: {1} в {2}")
        case .exportContactsWritten:
            return ("{1} holder phone change(s) written to {2}",
                    "выгружено изменений телефона владельца: {1} в {2}")
        case .phoneSet:
            return ("{1}: the holder's phone is now {2} (was {3}); the portal links the account by it at once",
                    "{1}: телефон владельца теперь {2} (был {3}); портал сразу привязывает счет по нему")
        case .phoneUnchanged:
            return ("{1}: the holder's phone is already {2}; nothing changed",
                    "{1}: телефон владельца уже {2}; ничего не изменилось")
        case .phoneDeskKept:
            return ("{1}: the holder's phone {2} is kept; the conflict with the RGK's file is settled for the desk",
                    "{1}: телефон владельца {2} сохранен; расхождение с файлом РГК решено в пользу офиса")
        case .phoneFileAccepted:
            return ("{1}: the phone of the RGK's file ({2}) is the holder's again (was {3})",
                    "{1}: телефон владельца снова из файла РГК ({2}), был {3}")
        case .phoneNoConflict:
            return ("{1} has no conflict with an RGK file to settle; see 'mygaz-admin account conflicts'",
                    "у {1} нет расхождения с файлом РГК; см. «mygaz-admin account conflicts»")
        case .importPhoneKept:
            return ("{1}: the holder's phone {2} changed at the desk by {3} on {4} is kept; the file has {5} (settle with account set-phone --accept-file)",
                    "{1}: телефон владельца {2}, измененный в офисе ({3}, {4}), сохранен; в файле {5} (принять файл: account set-phone --accept-file)")

        case .importMissingRGKColumn:
            return ("{1}:1: no column rgk «ргк» in the header (read as {2}); give --rgk CODE when the file is of one RGK",
                    "{1}:1: в заголовке нет столбца rgk «ргк» (прочитан как {2}); укажите --rgk КОД, если файл одной РГК")

        case .importChecking:
            return ("import {1}, checking",
                    "загрузка {1}, проверка")
        case .importWriting:
            return ("import {1}, writing",
                    "загрузка {1}, запись")

        case .reviewNeedsTerminal:
            return ("{1} works at a terminal (stdin and stdout); in a script use the list and decision commands (e.g. 'reading list' and 'reading accept')",
                    "{1} работает в терминале (stdin и stdout); в скриптах используйте команды списка и решений (например, «reading list» и «reading accept»)")
        case .reviewNothing:
            return ("nothing waits: no {1} in the queue",
                    "ничего не ждет: в очереди нет объектов ({1})")
        case .reviewDecidedMeanwhile:
            return ("{1} {2} was decided by someone else meanwhile ({3}); skipped",
                    "{1} {2} тем временем решил другой сотрудник ({3}); пропущено")
        case .reviewAlreadyDecided:
            return ("{1} {2} is already decided ({3}); b goes back, s goes on",
                    "{1} {2} уже решено ({3}); b — назад, s — дальше")
        case .reviewConflict:
            return ("changed by someone else meanwhile: {1}; skipped",
                    "тем временем изменено другим сотрудником: {1}; пропущено")
        case .reviewSummary:
            return ("{1}: reviewed {2} of {3}; {4}",
                    "{1}: просмотрено {2} из {3}; {4}")

        case .reviewNotAllowed:
            return ("«{1}» is not allowed from {2}; see 'mygaz-admin help statuses'",
                    "действие «{1}» недопустимо из состояния «{2}»; см. «mygaz-admin help statuses»")
        case .reviewNoFAQ:
            return ("the FAQ is empty; add answers with 'mygaz-admin faq add'",
                    "FAQ пуст; добавьте ответы командой «mygaz-admin faq add»")
        case .reviewAnsweredMeanwhile:
            return ("ticket {1} was answered meanwhile by {2}; skipped",
                    "на обращение {1} тем временем ответил {2}; пропущено")

        case .databaseFileLimit:
            return ("database {1}: the file reached this login's file size limit (ulimit -f); the change in progress was rolled back; raise the limit and run the command again",
                    "база {1}: файл достиг предела размера для этого пользователя (ulimit -f); начатое изменение отменено; увеличьте предел и повторите команду")
        case .databaseReadOnlyFS:
            return ("database {1} is on a read-only file system; nothing was written; remount it read-write or copy the database elsewhere",
                    "база {1} на файловой системе только для чтения; ничего не записано; смонтируйте ее для записи или скопируйте базу")

        case .importRecordTooLong:
            return ("a record longer than {1|byte|bytes} (a quote left open?); the rest of the file cannot be trusted",
                    "запись длиннее {1|байта|байт|байт} (не закрыта кавычка?); остальной части файла доверять нельзя")
        case .importHeaderOpenQuote:
            return ("{1}:{2}: a quote opened in the header is not closed; nothing was written",
                    "{1}:{2}: кавычка, открытая в заголовке, не закрыта; ничего не записано")
        case .importHeaderTooLong:
            return ("{1}:{2}: the header is longer than {3|byte|bytes}; is this a CSV file?",
                    "{1}:{2}: заголовок длиннее {3|байта|байт|байт}; это точно файл CSV?")
        case .importFieldTooLong:
            return ("a field of {1|byte|bytes}; at most {2} are accepted",
                    "поле длиной {1|байт|байта|байт}; допускается не больше {2}")

        case .outboxClaimLost:
            return ("message {1} is no longer claimed by this sender (recovered by another outbox send); it was not sent",
                    "сообщение {1} больше не закреплено за этой отправкой (его вернула другая outbox send); оно не отправлено")

        case .demoDone:
            return ("demo database {1}: {2|account|accounts}, {3|portal user|portal users}, {4|pending reading|pending readings}, {5|open application|open applications} ({6} s)",
                    "демонстрационная база {1}: лицевых счетов {2}, пользователей портала {3}, показаний в обработке {4}, открытых заявок {5} ({6} с)")
        case .progressRows:
            return ("{1}: {2|row|rows}, {3}/s", "{1}: строк {2}, {3}/с")
        case .progressMessages:
            return ("{1}: {2|message|messages}, {3}/s", "{1}: сообщений {2}, {3}/с")
        case .progressLeft:
            return ("about {1} s left", "осталось около {1} с")
        }
    }

    public static func noun(_ entity: Entity, _ lang: Lang) -> String {
        let pair: (String, String)
        switch entity {
        case .application: pair = ("application", "заявка")
        case .reading: pair = ("reading", "показание")
        case .ticket: pair = ("ticket", "обращение")
        case .user: pair = ("user", "пользователь")
        case .account: pair = ("account", "лицевой счет")
        case .pin: pair = ("PIN", "ПИН-код")
        case .pinRequest: pair = ("PIN request", "запрос ПИН-кода")
        case .operator: pair = ("operator", "оператор")
        case .rgk: pair = ("RGK", "РГК")
        case .office: pair = ("office", "отделение")
        case .outbox: pair = ("message", "сообщение")
        case .faq: pair = ("FAQ entry", "вопрос FAQ")
        case .meter: pair = ("meter", "прибор учета")
        case .importBatch: pair = ("import", "загрузка")
        case .attachment: pair = ("attachment", "вложение")
        case .link: pair = ("link", "привязка")
        case .code: pair = ("code", "код")
        case .database: pair = ("database", "база")
        case .setting: pair = ("setting", "настройка")
        case .calendar: pair = ("production calendar", "производственный календарь")
        case .payment: pair = ("payment", "платеж")
        case .contract: pair = ("contract", "договор")
        case .act: pair = ("act", "акт")
        }
        return lang == .ru ? pair.1 : pair.0
    }
}

/// Labels of stored codes in the clerk's language (the table is the core's, where the Russian
/// labels also serve the messages to customers).
extension Labels {
    public static func label(_ domain: CodeDomain, _ code: String, _ lang: Lang) -> String {
        label(domain, code, russian: lang == .ru)
    }
}
