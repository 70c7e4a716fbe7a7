//! Every word the pages show, in English and Polish. One macro row per
//! phrase, both languages side by side, so a phrase cannot be missing in one
//! of them: the compiler checks both tables are whole.

use chrono::{NaiveDate, NaiveDateTime, Weekday};
use deskvisa_rules::{
    ClusterStatus, Continent, DateField, EventTimeError, InactiveReason, Limit, Locale, MemberStatus, PolicyBreach,
    PolicyField, RegistrationRefusal, StayStatus, Violation,
};
use deskvisa_service::Conflict;
use deskvisa_words::Counted;

/// The text with its first letter in capitals.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

macro_rules! words {
    ($($key:ident: $en:expr, $pl:expr;)*) => {
        /// The phrases of one language.
        pub(crate) struct Words {
            /// The language of the table.
            lang: Locale,
            $(pub(crate) $key: &'static str,)*
        }
        /// English.
        pub(crate) const EN: Words = Words { lang: Locale::En, $($key: $en,)* };
        /// Polish.
        pub(crate) const PL: Words = Words { lang: Locale::Pl, $($key: $pl,)* };
    };
}

words! {
    skip: "Skip to the content", "Przejdź do treści";
    nav_main: "Main", "Menu główne";
    menu: "Menu", "Menu";
    nav_map: "Map", "Mapa";
    nav_stays: "My stays", "Moje pobyty";
    nav_host: "Host inbox", "Skrzynka gospodarza";
    nav_network: "Network", "Sieć";
    language: "Language", "Język";
    sign_in: "Sign in", "Zaloguj się";
    sign_out: "Sign out", "Wyloguj się";
    signed_in_as: "Signed in as", "Zalogowano jako";
    footer: "deskvisa: free desks for members of the cluster network, wherever they travel in it.",
        "deskvisa: bezpłatne biurka dla członków sieci klastrów, dokądkolwiek podróżują.";
    api_docs: "API documentation", "Dokumentacja API";

    sign_in_title: "Sign in to deskvisa", "Zaloguj się do deskvisa";
    sign_in_intro: "Enter the email address your cluster knows you by. We send you a link that signs you in; it works once, for 15 minutes.",
        "Podaj adres e-mail, pod którym zna Cię Twój klaster. Wyślemy link, który Cię zaloguje; działa raz, przez 15 minut.";
    email: "Email", "E-mail";
    send_link: "Send me a sign-in link", "Wyślij mi link do logowania";
    check_mail_title: "Check your email", "Sprawdź pocztę";
    check_mail: "If the address belongs to a member, a sign-in link is on its way. It works once, for 15 minutes.",
        "Jeśli adres należy do członka sieci, link do logowania jest już w drodze. Działa raz, przez 15 minut.";
    bad_email: "This is not an email address.", "To nie jest adres e-mail.";
    too_many: "Too many requests from here. Try again in a minute.", "Zbyt wiele prób z tego miejsca. Spróbuj ponownie za minutę.";
    verify_intro: "Welcome back. Press the button to sign in on this device.",
        "Witaj ponownie. Naciśnij przycisk, aby zalogować się na tym urządzeniu.";
    link_dead_title: "This link no longer works", "Ten link już nie działa";
    link_dead: "This sign-in link has expired or was already used. Links work once, for 15 minutes.",
        "Ten link do logowania wygasł albo został już użyty. Linki działają raz, przez 15 minut.";
    new_link: "Ask for a new link", "Poproś o nowy link";

    map_title: "Find a desk in the network", "Znajdź biurko w sieci";
    map_intro: "Every cluster of the network gives members of the others a free desk for at least five consecutive days. Pick a site on the map or search for dates.",
        "Każdy klaster sieci daje członkom pozostałych bezpłatne biurko na co najmniej pięć kolejnych dni. Wybierz miejsce na mapie albo wyszukaj termin.";
    map_label: "World map of the network's sites", "Mapa świata z miejscami sieci";
    search_title: "Search for free desks", "Szukaj wolnych biurek";
    from: "From", "Od";
    to: "To", "Do";
    days: "Number of days", "Liczba dni";
    area: "Country or continent", "Kraj lub kontynent";
    anywhere: "Anywhere", "Dowolnie";
    continents: "Continents", "Kontynenty";
    countries: "Countries", "Kraje";
    search: "Search", "Szukaj";
    results_title: "Sites that can take your stay", "Miejsca, które mogą Cię przyjąć";
    no_results: "No site has free desks for these dates. Try other dates or fewer days.",
        "Żadne miejsce nie ma wolnych biurek w tym terminie. Spróbuj innych dat albo mniejszej liczby dni.";
    request_dates: "Request", "Poproś o pobyt";
    all_sites: "All sites", "Wszystkie miejsca";
    world: "World", "Świat";
    show_all_sites: "Show every site that fits", "Pokaż wszystkie pasujące miejsca";
    roster_title: "Who is coming", "Kto przyjeżdża";
    roster_week: "The coming week", "Najbliższy tydzień";
    roster_month: "The coming 30 days", "Najbliższe 30 dni";
    visitors_word: "Visitors", "Goście";
    nobody_coming: "Nobody", "Nikt";
    close_days: "Close days", "Zamknij dni";
    close_until_hint: "(to close several days)", "(aby zamknąć kilka dni)";
    bad_closure_dates: "Enter a first day, and a last day on or after it (at most a year later).", "Podaj pierwszy dzień i ostatni, nie wcześniejszy (najwyżej rok później).";
    who_registered: "Who is registered", "Kto się zapisał";
    host_decides: "the host decides", "gospodarz decyduje";
    when: "When", "Kiedy";
    exact_dates: "These dates", "W tych dniach";
    flexible_dates: "Flexible: a number of days in a month", "Elastycznie: liczba dni w miesiącu";
    in_month: "In", "W miesiącu";
    zoom_label: "Zoom the map", "Przybliż mapę";
    zoom_countries: "Countries", "Kraje";
    own_cluster: "your own cluster", "Twój klaster";
    map_note: "A number is a group of sites: open it to zoom in. Grey pins are your own cluster's sites and sites taking no visitors.",
        "Liczba to grupa miejsc: otwórz ją, aby przybliżyć. Szare pinezki to miejsca Twojego klastra i miejsca, które nie przyjmują gości.";

    address: "Address", "Adres";
    contact: "Contact", "Kontakt";
    house_rules: "House rules", "Zasady";
    open_days: "Open on", "Otwarte w";
    time_zone: "Time zone", "Strefa czasowa";
    calendar_title: "Free desks", "Wolne biurka";
    previous_month: "Previous month", "Poprzedni miesiąc";
    next_month: "Next month", "Następny miesiąc";
    free_few: "few left", "ostatnie";
    full: "full", "brak miejsc";
    closed: "closed", "zamknięte";
    past: "past", "minęło";
    legend: "Each day shows its free desks: ✓ free, ! few left, ✕ full, – closed, … cannot begin a stay yet. Past days are blank; today is outlined.",
        "Każdy dzień pokazuje wolne biurka: ✓ wolne, ! ostatnie, ✕ brak miejsc, – zamknięte, … nie można jeszcze zacząć pobytu. Minione dni są puste; dzisiejszy jest obwiedziony.";
    pick_hint: "Click a day to choose your first day, then another for your last.",
        "Kliknij dzień, aby wybrać pierwszy dzień pobytu, a potem kolejny, aby wybrać ostatni.";
    pick_first: "choose as the first day", "wybierz jako pierwszy dzień";
    pick_last: "choose as the last day", "wybierz jako ostatni dzień";
    no_desks: "no desks for visitors", "brak biurek dla gości";
    too_soon: "too little notice to begin a stay", "zbyt krótkie wyprzedzenie, by zacząć pobyt";
    too_far: "too far ahead to begin a stay", "zbyt odległy termin, by zacząć pobyt";
    today: "today", "dziś";
    no_visitors_now: "This site has no desks for visitors at the moment.", "To miejsce nie ma teraz biurek dla gości.";
    own_site: "This site belongs to your own cluster. deskvisa's desks are for visits to the other clusters of the network.",
        "To miejsce należy do Twojego klastra. Biurka w deskvisa służą wizytom w innych klastrach sieci.";
    your_stay: "Your stay", "Twój pobyt";
    choose_dates: "Choose your dates on the calendar or type them here.", "Wybierz daty w kalendarzu albo wpisz je tutaj.";
    change_dates: "Choose other dates", "Wybierz inne daty";
    approved_at_once: "approved at once", "zatwierdzany od razu";
    how_it_works: "How this host takes visitors", "Jak ten gospodarz przyjmuje gości";
    events_title: "Events", "Wydarzenia";
    no_events: "No events are planned.", "Nie zaplanowano wydarzeń.";
    members_only: "for the host's members only", "tylko dla członków gospodarza";
    request_title: "Request a stay", "Poproś o pobyt";
    first_day: "First day", "Pierwszy dzień";
    last_day: "Last day", "Ostatni dzień";
    purpose: "Purpose of the visit", "Cel wizyty";
    purpose_hint: "A sentence for the host (optional).", "Zdanie dla gospodarza (opcjonalnie).";
    request_stay: "Request the stay", "Poproś o pobyt";
    refused_title: "This stay cannot be requested", "Nie można poprosić o ten pobyt";
    alternatives: "These dates would fit:", "Te terminy są wolne:";
    request_instead: "Request these dates", "Poproś o ten termin";
    bad_dates: "Enter a first and a last day, like 2027-01-04.", "Podaj pierwszy i ostatni dzień, np. 2027-01-04.";
    bad_days: "The number of days must be between 1 and 90.", "Liczba dni musi wynosić od 1 do 90.";
    search_backwards: "The last date is before the first.", "Data końcowa jest wcześniejsza niż początkowa.";
    search_too_long: "Search at most a year at a time.", "Wyszukuj najwyżej rok naraz.";

    stays_title: "My stays", "Moje pobyty";
    coming_up: "Coming up", "Nadchodzące";
    history: "Past stays", "Minione pobyty";
    what_happened: "What happened", "Przebieg";
    no_stays: "No stays yet. Find a site on the map.", "Nie masz jeszcze pobytów. Znajdź miejsce na mapie.";
    answer_by: "The host answers by", "Gospodarz odpowie do";
    reason: "Reason", "Powód";
    checked_in: "checked in", "zameldowano";
    cancel_stay: "Cancel this stay", "Odwołaj ten pobyt";
    download_ics: "Add to my calendar (.ics)", "Dodaj do kalendarza (.ics)";
    arrival_title: "Arriving", "Na miejscu";
    arrival_intro: "What visitors need to find the door and settle in: the site page, the stay page and the approval and reminder emails show it.",
        "Co goście muszą wiedzieć, by trafić i się zadomowić: pokazują to strona miejsca, strona pobytu oraz e-maile z zatwierdzeniem i przypomnieniem.";
    opening_hours_label: "Opening hours (such as 08:00-18:00; empty: closed)", "Godziny otwarcia (np. 08:00-18:00; puste: zamknięte)";
    access_label: "Getting in (entrance, reception, door code's whereabouts)", "Jak wejść (wejście, recepcja, gdzie jest kod do drzwi)";
    onsite_contact_name: "On-site contact", "Kontakt na miejscu";
    onsite_contact_phone: "Their phone", "Telefon";
    wifi_label: "Wi-Fi (where to find the password, not the password)", "Wi-Fi (gdzie znaleźć hasło, nie samo hasło)";
    transport_label: "Nearest public transport", "Najbliższa komunikacja miejska";
    accessibility_label: "Accessibility", "Dostępność";
    amenities_label: "Amenities", "Udogodnienia";
    photo_title: "Photo", "Zdjęcie";
    photo_intro: "One photo of the site (JPEG, PNG or WebP, at most 5 MB): deskvisa scales it, and keeps nothing of its metadata (no camera, no GPS position).",
        "Jedno zdjęcie miejsca (JPEG, PNG lub WebP, najwyżej 5 MB): deskvisa je zmniejsza i nie zachowuje żadnych metadanych (aparat, pozycja GPS).";
    photo_file: "Image file", "Plik obrazu";
    upload_photo: "Upload the photo", "Wyślij zdjęcie";
    remove_photo: "Remove the photo", "Usuń zdjęcie";
    photo_alt: "The site", "Miejsce";
    photo_too_large: "The photo is larger than 5 MB: choose a smaller one.", "Zdjęcie ma ponad 5 MB: wybierz mniejsze.";
    photo_not_an_image: "This file is not a JPEG, PNG or WebP image that can be read.", "Ten plik nie jest czytelnym obrazem JPEG, PNG ani WebP.";
    repeat_label: "Repeats", "Powtarzanie";
    repeat_once: "Once", "Jednorazowo";
    repeat_weekly: "Every week, on the same weekday", "Co tydzień, w ten sam dzień tygodnia";
    repeat_monthly: "Every month, on the same weekday (such as every first Tuesday)", "Co miesiąc, w ten sam dzień tygodnia (np. w każdy pierwszy wtorek)";
    repeat_until: "Last date (when it repeats)", "Ostatnia data (przy powtarzaniu)";
    repeating: "repeats", "cykliczne";
    programme_list: "List", "Lista";
    programme_month: "Month", "Miesiąc";
    programme_cut: "More events than fit here: the list shows them all.", "Wydarzeń jest więcej, niż się tu mieści: lista pokazuje wszystkie.";
    download_series_ics: "Every date of the series (.ics)", "Wszystkie terminy serii (.ics)";
    cancel_rest: "Cancel this and the rest", "Odwołaj to i kolejne";
    bad_repeat: "Choose once, weekly or monthly.", "Wybierz: jednorazowo, co tydzień lub co miesiąc.";
    until_before_start: "The last date is before the first event.", "Ostatnia data jest wcześniejsza niż pierwsze wydarzenie.";
    too_many_occurrences: "A series has at most 53 events: choose an earlier last date.", "Seria ma najwyżej 53 wydarzenia: wybierz wcześniejszą ostatnią datę.";
    letter_title: "Invitation letter", "List zapraszający";
    letter_intro: "For a visa or at the border: a letter from the host naming you, the dates and the place, that anyone can check with its code.",
        "Do wizy lub na granicę: list od gospodarza z Twoim nazwiskiem, terminem i miejscem, który każdy może sprawdzić jego kodem.";
    passport_name: "Your full name as in your passport", "Imię i nazwisko jak w paszporcie";
    passport_name_hint: "Kept only with the letter.", "Przechowywane tylko razem z listem.";
    bad_passport_name: "Enter your full name as in your passport: 2 to 100 letters, spaces, hyphens, apostrophes or full stops.",
        "Podaj imię i nazwisko jak w paszporcie: od 2 do 100 liter, spacji, łączników, apostrofów lub kropek.";
    make_letter: "Make the letter", "Przygotuj list";
    remake_letter: "Make a new letter (this one then stops counting)", "Przygotuj nowy list (obecny przestanie obowiązywać)";
    download_letter: "Download the invitation letter (PDF)", "Pobierz list zapraszający (PDF)";
    verify_letter_title: "Invitation letter check", "Sprawdzenie listu zapraszającego";
    letter_valid: "This letter is valid: the stay stands as it says.", "Ten list jest ważny: pobyt odbędzie się tak, jak w nim napisano.";
    letter_cancelled: "This letter is not valid: the stay it invites to was cancelled.", "Ten list jest nieważny: pobyt, na który zaprasza, został odwołany.";
    letter_changed: "This letter is not valid: the stay's dates or place changed after it was issued.",
        "Ten list jest nieważny: termin lub miejsce pobytu zmieniły się po jego wystawieniu.";
    letter_replaced: "This letter was replaced by a newer one for the same stay: only the newer one counts.",
        "Ten list zastąpiono nowszym dla tego samego pobytu: obowiązuje tylko nowszy.";
    letter_unknown: "No letter has this code. Compare it with the letter: 32 letters and digits.",
        "Żaden list nie ma takiego kodu. Porównaj go z listem: 32 litery i cyfry.";
    letter_checks_too_many: "Too many letter checks from here just now. Try again in a minute.",
        "Zbyt wiele sprawdzeń listów z tego adresu. Spróbuj ponownie za minutę.";
    letter_host: "Host", "Gospodarz";
    letter_dates: "Dates", "Termin";
    letter_visitor: "Visitor (initials)", "Osoba odwiedzająca (inicjały)";
    letter_issued: "Issued", "Wystawiono";
    letter_check_note: "Only the visitor's initials are shown here; compare them with the name in the letter and in the passport.",
        "Pokazujemy tu tylko inicjały osoby odwiedzającej; porównaj je z nazwiskiem w liście i w paszporcie.";
    letterhead_title: "Invitation letters", "Listy zapraszające";
    letterhead_intro: "What the letters your visitors download say of you: your postal address, and who signs.",
        "Co o Was mówią listy pobierane przez gości: Wasz adres pocztowy i kto je podpisuje.";
    letterhead_address: "Postal address (as the letters print it)", "Adres pocztowy (tak jak na listach)";
    signatory: "Signed by", "Podpisuje";
    signatory_approver: "The admin who approved the stay", "Osoba, która zatwierdziła pobyt";
    events_during: "Events during this stay", "Wydarzenia w czasie pobytu";
    register: "Register", "Zapisz się";
    withdraw: "Withdraw", "Wypisz się";
    registered: "You are registered", "Masz zapis na to wydarzenie";
    event_full: "No places left", "Brak wolnych miejsc";
    my_registrations: "My registrations", "Moje zapisy";
    no_registrations: "No registrations.", "Brak zapisów.";
    done_requested: "Your request was sent to the host.", "Prośba została wysłana do gospodarza.";
    done_cancelled: "The stay is cancelled.", "Pobyt został odwołany.";
    done_registered: "You are registered for the event.", "Zapisano Cię na wydarzenie.";
    done_withdrawn: "Your registration is withdrawn.", "Zapis został wycofany.";
    done_saved: "Saved.", "Zapisano.";
    trip_title: "Your trip", "Twoja podróż";
    stay_of: "Stay", "Pobyt";
    next_title: "What happens next", "Co dalej";
    held_days: "Days with a desk", "Dni z biurkiem";
    host_cluster: "Host", "Gospodarz";
    decision_title: "Your decision", "Twoja decyzja";
    about_stay: "For the host", "Dla gospodarza";
    visitor_firm: "Company", "Firma";
    home_cluster: "Home cluster", "Klaster macierzysty";
    earlier_visits: "Earlier visits", "Wcześniejsze wizyty";
    no_shows: "No-shows", "Nieobecności";
    free_left: "Free desks on these days", "Wolne biurka w te dni";
    all_my_stays: "All my stays", "Wszystkie moje pobyty";
    to_inbox: "Back to the host inbox", "Wróć do skrzynki gospodarza";
    open_stay: "Open the stay", "Otwórz pobyt";
    event_cancelled: "This event is cancelled.", "To wydarzenie zostało odwołane.";
    cluster_admin_title: "Sites and admins", "Miejsca i administratorzy";
    change_takes_days: "Stays hold desks on days this change would take:", "Pobyty zajmują biurka w dni, które ta zmiana by odebrała:";
    staff_requests_nothing: "You are signed in as network staff, with no home cluster: staff run the network and request no stays.",
        "Zalogowano jako zespół sieci, bez klastra macierzystego: zespół prowadzi sieć i nie prosi o pobyty.";
    admin_name: "Admin's name", "Imię i nazwisko administratora";
    sites_title: "Sites", "Miejsca";
    no_sites_yet: "No site yet: add the first one below, and members of other clusters can visit.",
        "Nie ma jeszcze miejsc: dodaj pierwsze poniżej, a członkowie innych klastrów będą mogli Was odwiedzać.";
    add_site: "Add a site", "Dodaj miejsce";
    admins_title: "Admins", "Administratorzy";
    remove_admin: "Remove as admin", "Odbierz uprawnienia administratora";
    appoint_admin: "Appoint an admin", "Wyznacz administratora";
    appoint_hint: "Someone not yet a member of this cluster is invited first and gets a welcome email with a sign-in link.",
        "Osoba, która nie jest jeszcze członkiem klastra, zostanie najpierw zaproszona i dostanie e-mail powitalny z linkiem do logowania.";
    email_taken: "This address already belongs to someone in deskvisa (a member of another cluster, or network staff).",
        "Ten adres należy już do kogoś w deskvisa (członka innego klastra albo zespołu sieci).";
    cluster_name_taken: "A cluster is called so already: choose another name.", "Klaster o tej nazwie już istnieje: wybierz inną nazwę.";
    last_admin: "A cluster keeps at least one admin: appoint another before removing the last one.",
        "Klaster musi mieć co najmniej jednego administratora: wyznacz kolejnego, zanim usuniesz ostatniego.";
    no_end: "no end date", "bez daty końcowej";
    set_word: "Set", "Ustaw";
    role_cluster_admin: "cluster admin", "administrator klastra";
    role_network_admin: "network admin", "administrator sieci";
    network_staff: "network staff (no home cluster)", "zespół sieci (bez klastra macierzystego)";
    restore: "Restore membership", "Przywróć członkostwo";
    make_admin: "Make admin", "Nadaj uprawnienia administratora";
    import_title: "Import members from a file", "Zaimportuj członków z pliku";
    import_hint: "A CSV file in UTF-8, separated by commas or semicolons, with a header row: email and name, and if you like company, locale (en or pl) and vouched_until (YYYY-MM-DD). At most 5,000 rows and 1 MiB. You see every row before anything is added.",
        "Plik CSV w UTF-8, rozdzielany przecinkami lub średnikami, z wierszem nagłówka: email i name, a opcjonalnie company, locale (en lub pl) i vouched_until (RRRR-MM-DD). Najwyżej 5000 wierszy i 1 MiB. Zobaczysz każdy wiersz, zanim cokolwiek zostanie dodane.";
    file_label: "CSV file", "Plik CSV";
    preview: "Preview the import", "Podgląd importu";
    import_preview_title: "Check the import", "Sprawdź import";
    line_word: "Line", "Wiersz";
    result_word: "Result", "Wynik";
    import_confirm: "Add and invite these members", "Dodaj i zaproś tych członków";
    cancel_word: "Cancel", "Anuluj";
    import_nothing: "Nothing to add: every row is a member already or refused.", "Nie ma kogo dodać: każdy wiersz to już członek albo został odrzucony.";
    refused_word: "refused", "odrzucony";
    verdict_add: "to be added and invited", "do dodania i zaproszenia";
    verdict_member: "already a member: left as is", "już jest członkiem: bez zmian";
    me_title: "My account", "Moje konto";
    nav_me: "My account", "Moje konto";
    your_name: "Your name", "Imię i nazwisko";
    your_language: "Language of pages and emails", "Język stron i e-maili";
    done_invited: "The member is invited: a welcome email with a sign-in link is on its way.", "Członek został zaproszony: e-mail powitalny z linkiem do logowania jest w drodze.";
    done_imported: "The members are added; each gets a welcome email with a sign-in link.", "Członkowie zostali dodani; każdy dostanie e-mail powitalny z linkiem do logowania.";
    done_asked: "Your request for an introduction was sent to the firm.", "Prośba o przedstawienie została wysłana do firmy.";
    done_accepted: "Accepted: you both have each other's email address now.", "Przyjęto: macie teraz nawzajem swoje adresy e-mail.";
    done_declined: "Declined: the visitor is told politely, without a reason.", "Odrzucono: gość dostanie uprzejmą wiadomość, bez podania powodu.";
    done_letter: "Your invitation letter is ready: download it below.", "List zapraszający jest gotowy: pobierz go poniżej.";
    done_moved: "Your stay has its new dates. You and the host have been emailed.",
        "Pobyt ma nowe terminy. Ty i gospodarz otrzymaliście wiadomość e-mail.";
    new_dates_title: "Change the dates", "Zmień terminy";
    new_dates_intro: "Days in both the old and the new dates keep their desk. An approved stay stays approved when no day is added, or when the host approves automatically within the guarantee; otherwise the host is asked again.",
        "Dni wspólne dla starych i nowych terminów zachowują biurko. Zatwierdzony pobyt pozostaje zatwierdzony, jeśli nie dochodzi żaden dzień albo gospodarz zatwierdza automatycznie w ramach gwarancji; w przeciwnym razie gospodarz zostanie zapytany ponownie.";
    new_dates_started: "Your stay has begun: it keeps its first day; you can end it earlier or later.",
        "Pobyt już trwa: pierwszy dzień pozostaje bez zmian; możesz zakończyć go wcześniej lub później.";
    move_stay: "Move the stay", "Zmień terminy pobytu";
    move_refused_title: "The stay cannot move to these dates", "Nie można przenieść pobytu na te terminy";
    move_instead: "Move to", "Przenieś na";
    moved_label: "new dates", "nowe terminy";
    delegations_title: "Delegations", "Delegacje";
    delegations_to_answer: "Delegations waiting for your answer", "Delegacje czekające na Twoją decyzję";
    delegations_sent: "Delegations you sent", "Wysłane delegacje";
    no_delegations: "None now.", "Obecnie brak.";
    send_delegation: "Send a delegation", "Wyślij delegację";
    send_delegation_here: "Send a delegation of your members here", "Wyślij tu delegację swoich członków";
    delegation_intro: "One request for 2 to 20 of your members at one site: each is judged by their own rules, desks for all or for none; the host answers once, and each member gets their own stay.",
        "Jeden wniosek dla od 2 do 20 członków Twojego klastra w jednej lokalizacji: każda osoba jest oceniana według własnych zasad, biurka dla wszystkich albo dla nikogo; gospodarz odpowiada raz, a każda osoba otrzymuje własny pobyt.";
    delegation_members: "Members", "Uczestnicy";
    delegation_country: "Country of the site", "Kraj miejsca";
    delegation_country_sites: "Show its sites", "Pokaż jego miejsca";
    delegation_country_first: "Choose the country first: the network has too many sites for one list.",
        "Najpierw wybierz kraj: sieć ma zbyt wiele miejsc na jedną listę.";
    delegation_size: "Choose 2 to 20 members of your cluster.", "Wybierz od 2 do 20 członków swojego klastra.";
    choose_site: "Choose a site.", "Wybierz lokalizację.";
    delegation_refused: "The delegation cannot go: nothing was booked.", "Delegacja nie może zostać wysłana: niczego nie zarezerwowano.";
    approve_group: "Approve the delegation", "Zatwierdź delegację";
    waitlist_title: "Waiting for a desk", "W kolejce po biurko";
    waitlist_intro: "When desks free up for your dates, the first in line whose dates fit is offered them and emailed; they are held for a while, then go to the next in line.",
        "Gdy w Twoich terminach zwolnią się biurka, otrzyma je pierwsza osoba w kolejce, której terminy pasują, wraz z wiadomością e-mail; biurka są przez pewien czas zarezerwowane, a potem trafiają do następnej osoby.";
    wait_accepted: "Offer taken: the stay is requested.", "Oferta przyjęta: wniosek o pobyt został złożony.";
    wait_lapsed: "The offer lapsed, or the dates came.", "Oferta wygasła albo termin już nadszedł.";
    wait_left: "You left the line.", "Opuszczono kolejkę.";
    the_stay: "the stay", "pobyt";
    accept_offer: "Take the desk", "Przyjmij biurko";
    let_offer_go: "Let it go", "Zrezygnuj";
    leave_line: "Leave the line", "Opuść kolejkę";
    wait_for_dates: "Wait for these dates", "Czekaj na te terminy";
    wait_hint: "Only the desks are missing: wait in line, and you are emailed when they free up.",
        "Brakuje tylko biurek: ustaw się w kolejce, a otrzymasz wiadomość, gdy się zwolnią.";
    done_waiting: "You are in line. We email you when desks free up.", "Jesteś w kolejce. Napiszemy, gdy zwolnią się biurka.";
    done_left: "You left the line.", "Opuszczono kolejkę.";
    offer_hold_hours: "Hours a freed desk is held for the next in line", "Godziny rezerwacji zwolnionego biurka dla następnej osoby w kolejce";

    nav_firms: "Firms", "Firmy";
    nav_programme: "Events", "Wydarzenia";
    programme_title: "Events across the network", "Wydarzenia w całej sieci";
    programme_intro: "Business breakfasts, meetups and study visits open to visiting members, in the coming three months. Plan a trip around one: request a desk for its day.",
        "Śniadania biznesowe, spotkania i wizyty studyjne otwarte dla gości z innych klastrów, w najbliższych trzech miesiącach. Zaplanuj podróż wokół jednego z nich: poproś o biurko na ten dzień.";
    programme_none: "No event open to visitors is planned there in the coming three months.", "W najbliższych trzech miesiącach nie zaplanowano tam wydarzeń otwartych dla gości.";
    programme_request: "Request a desk for that day", "Poproś o biurko na ten dzień";
    introductions_hosted: "Introductions asked of its firms", "Prośby o przedstawienie do jego firm";
    introductions_hosted_accepted: "of them accepted", "w tym przyjęte";
    firms_title: "Firms of the network", "Firmy sieci";
    firms_intro: "The firms of the network's clusters: what they offer and what they seek. Visiting a cluster, ask to meet those open to visitors.",
        "Firmy klastrów sieci: co oferują i czego szukają. Odwiedzając klaster, poproś o spotkanie z tymi, które są otwarte na gości.";
    firms_none: "No firm matches. Try fewer or shorter words.", "Żadna firma nie pasuje. Spróbuj mniej słów albo krótszych.";
    firm_field: "Field", "Dziedzina";
    firm_website: "Website", "Strona WWW";
    firm_about: "About the firm", "O firmie";
    firm_offers: "Offers", "Oferuje";
    firm_seeks: "Seeks", "Szuka";
    firm_own_tags: "Its own words, separated by commas (at most five)", "Własne słowa, rozdzielone przecinkami (najwyżej pięć)";
    firm_languages: "Languages (two-letter codes)", "Języki (dwuliterowe kody)";
    firm_open: "Open to visitors: visitors during their stay may ask to meet us", "Otwarta na gości: goście w czasie pobytu mogą poprosić o spotkanie";
    firm_open_badge: "open to visitors", "otwarta na gości";
    firm_visitors: "Visitors", "Goście";
    firm_takes_introductions: "Takes requests for introductions from visitors", "Przyjmuje prośby o przedstawienie od gości";
    firm_no_introductions: "Does not take requests for introductions", "Nie przyjmuje próśb o przedstawienie";
    firm_edit: "The firm's profile", "Profil firmy";
    firm_add: "Add a firm of", "Dodaj firmę klastra";
    firm_add_button: "Add the firm", "Dodaj firmę";
    next_page: "More", "Więcej";
    next_clusters: "Next clusters", "Następne klastry";
    previous_clusters: "Previous clusters", "Poprzednie klastry";
    next_sites: "Next sites", "Następne miejsca";
    previous_sites: "Previous sites", "Poprzednie miejsca";
    find_cluster: "Find a cluster by name, city or country", "Znajdź klaster po nazwie, mieście lub kraju";
    no_cluster_found: "No cluster matches.", "Żaden klaster nie pasuje.";
    every_cluster: "Every cluster", "Wszystkie klastry";
    bars_busiest: "The 30 busiest clusters; every cluster is in the figures below and in the CSV.",
        "30 najbardziej zajętych klastrów; wszystkie są w tabeli poniżej i w pliku CSV.";
    my_firm: "The firm I work for", "Firma, w której pracuję";
    feed_title: "My calendar feed", "Mój kalendarz do subskrypcji";
    feed_intro: "A secret address your calendar program subscribes to: your stays and the events you registered for, kept up to date. Anyone with the address can read it; make a new one (the old one stops working) or stop it at any time.",
        "Tajny adres, który subskrybuje Twój program kalendarza: Twoje pobyty i zapisy na wydarzenia, zawsze aktualne. Każdy, kto zna adres, może go odczytać; w każdej chwili możesz utworzyć nowy (stary przestanie działać) albo go wyłączyć.";
    feed_made: "Your feed's address, shown this once: copy it into your calendar program.", "Adres Twojego kalendarza, pokazany tylko teraz: skopiuj go do programu kalendarza.";
    feed_make: "Make a new feed address", "Utwórz nowy adres";
    feed_revoke: "Stop my feed", "Wyłącz mój kalendarz";
    visitors_title: "Who is visiting us this week", "Kto odwiedza nas w tym tygodniu";
    visitors_all: "Every approved visitor of the coming seven days, with their firm.", "Wszyscy zatwierdzeni goście najbliższych siedmiu dni, z ich firmami.";
    visitors_open: "Visitors of the coming seven days who would like to meet the cluster's firms.", "Goście najbliższych siedmiu dni, którzy chcą poznać firmy klastra.";
    visitors_none: "Nobody who wishes to be seen is visiting in the coming seven days.", "W najbliższych siedmiu dniach nie odwiedza nas nikt, kto chce być widoczny.";
    no_firm: "None", "Żadna";
    open_to_meet: "While I visit a cluster, its members may see my name, firm and its tags, to meet me",
        "Gdy odwiedzam klaster, jego członkowie mogą zobaczyć moje imię, firmę i jej dziedziny, aby mnie poznać";
    nav_introductions: "Introductions", "Przedstawienia";
    introductions_title: "Introductions", "Przedstawienia";
    introductions_intro: "During an approved stay you can ask to meet the host's firms; firms of your cluster are asked by visitors.",
        "W czasie zatwierdzonego pobytu możesz poprosić o spotkanie z firmami gospodarza; firmy Twojego klastra dostają takie prośby od gości.";
    introductions_received: "Asked of you", "Prośby do Ciebie";
    introductions_sent: "Asked by you", "Twoje prośby";
    introductions_none_received: "Nobody has asked to meet your firm yet.", "Nikt jeszcze nie prosił o spotkanie z Twoją firmą.";
    introductions_none_sent: "You have not asked to meet a firm yet. Open an approved stay to see the host's firms you could meet.",
        "Nie prosiłeś jeszcze o spotkanie z firmą. Otwórz zatwierdzony pobyt, aby zobaczyć firmy gospodarza, które możesz poznać.";
    introduction_to: "Introduction to", "Przedstawienie firmie";
    introduction_asks: "asks to meet", "prosi o spotkanie z";
    introduction_contact: "Your contact", "Twoja osoba kontaktowa";
    introduction_private: "Nothing about you is shared with the visitor unless you accept; then you both get each other's email address.",
        "Gość nie dostanie żadnych Twoich danych, dopóki nie przyjmiesz prośby; wtedy oboje dostaniecie swoje adresy e-mail.";
    introduction_accept: "Accept and share addresses", "Przyjmij i udostępnij adresy";
    introduction_decline: "Not this time", "Nie tym razem";
    introduction_waiting: "Waiting for the firm's answer.", "Czekamy na odpowiedź firmy.";
    suggestions_title: "Firms you could meet", "Firmy, które możesz poznać";
    suggestions_intro: "Firms of the host open to visitors, best suited to what your firm offers and seeks first.",
        "Firmy gospodarza otwarte na gości; najpierw te, które najlepiej pasują do tego, co Twoja firma oferuje i czego szuka.";
    no_suggestions: "No firm of the host takes introductions yet.", "Żadna firma gospodarza nie przyjmuje jeszcze próśb o przedstawienie.";
    ask_introduction: "Ask for an introduction", "Poproś o przedstawienie";
    note_label: "A word to the firm (optional, at most 500 characters)", "Kilka słów do firmy (opcjonalnie, najwyżej 500 znaków)";
    asked_already: "Asked", "Poproszono";
    first_admin_title: "Its first admin", "Pierwszy administrator";
    first_admin_hint: "Invited as a member of the new cluster and its admin, with a welcome email and a sign-in link.",
        "Otrzyma zaproszenie jako członek nowego klastra i jego administrator, z e-mailem powitalnym i linkiem do logowania.";
    admin_email: "Admin's email", "E-mail administratora";
    confirm_status_title: "Change the status?", "Zmienić status?";
    confirm_yes: "Yes, change the status", "Tak, zmień status";
    keep_it: "Keep it as it is", "Zostaw bez zmian";
    confirm_cancel_title: "Cancel this stay?", "Odwołać ten pobyt?";
    confirm_cancel_stay: "Yes, cancel the stay", "Tak, odwołaj pobyt";
    confirm_revoke_title: "Revoke this member?", "Cofnąć członkostwo?";
    confirm_revoke: "Yes, revoke the member", "Tak, cofnij członkostwo";
    confirm_cancel_event_title: "Cancel this event?", "Odwołać to wydarzenie?";
    confirm_cancel_event: "Yes, cancel the event", "Tak, odwołaj wydarzenie";
    confirm_cancel_rest: "Yes, cancel this and every later one", "Tak, odwołaj to i wszystkie kolejne";
    vouched_until: "Vouched for until", "Poręczenie do";
    no_show_marked: "marked as no-show", "oznaczono nieobecność";

    host_title: "Host inbox", "Skrzynka gospodarza";
    host_nav: "Host pages", "Strony gospodarza";
    host_policy: "Policy", "Zasady przyjmowania";
    host_events: "Events", "Wydarzenia";
    host_members: "Members", "Członkowie";
    pending_title: "Waiting for your answer", "Czekają na odpowiedź";
    no_pending: "Nothing is waiting for an answer.", "Nic nie czeka na odpowiedź.";
    answer_deadline: "Answer by", "Odpowiedz do";
    approve: "Approve", "Zatwierdź";
    decline: "Decline", "Odrzuć";
    decline_reason: "Reason for declining", "Powód odrzucenia";
    arrivals_today: "Here today", "Dziś na miejscu";
    arrivals_week: "Arriving this week", "Przyjazdy w tym tygodniu";
    no_arrivals: "No arrivals this week.", "W tym tygodniu nikt nie przyjeżdża.";
    no_arrivals_today: "No arrivals today.", "Dziś nikt nie przyjeżdża.";
    check_in: "Check in", "Zamelduj";
    no_show: "No-show", "Nieobecność";
    visitor: "Visitor", "Gość";
    from_cluster: "from", "z";
    site_settings: "Site settings", "Ustawienia miejsca";
    name: "Name", "Nazwa";
    desks: "Visitor desks", "Biurka dla gości";
    save: "Save", "Zapisz";
    closures_title: "Closures", "Dni zamknięte";
    close_day: "Close a day", "Zamknij dzień";
    date: "Date", "Data";
    reopen: "Reopen", "Otwórz ponownie";
    no_closures: "No closed days ahead.", "Brak zaplanowanych zamknięć.";
    policy_intro: "Your rules for visitors. The network's floors keep the promise of free desks: the fields below cannot go under them.",
        "Twoje zasady dla gości. Minima sieci chronią obietnicę bezpłatnych biurek: pól poniżej nie można ustawić poniżej nich.";
    max_days_per_stay: "Most days per stay", "Najwięcej dni na pobyt";
    stays_per_year: "Stays per member in 365 days", "Pobytów na członka w 365 dni";
    min_notice_days: "Minimum notice (days)", "Minimalne wyprzedzenie (dni)";
    horizon_days: "Booking horizon (days)", "Horyzont rezerwacji (dni)";
    approval_mode: "Approval", "Zatwierdzanie";
    manual: "I approve each request", "Zatwierdzam każdą prośbę";
    auto: "Approve every accepted request at once", "Każda przyjęta prośba od razu zatwierdzona";
    answer_window_days: "Days to answer", "Dni na odpowiedź";
    on_no_answer: "When I do not answer in time", "Gdy nie odpowiem na czas";
    on_no_answer_approve: "the stay is approved", "pobyt zostaje zatwierdzony";
    on_no_answer_expire: "the request expires", "prośba wygasa";
    floor: "Network floor", "Minimum sieci";
    guarantee_note: "Every host grants at least this many consecutive days:", "Każdy gospodarz przyznaje co najmniej tyle kolejnych dni:";
    policy_refused: "The policy was not saved:", "Zasady nie zostały zapisane:";
    at_least: "at least", "co najmniej";
    at_most: "at most", "najwyżej";
    bad_number: "Enter whole numbers, and tick at least one opening day.", "Podaj liczby całkowite i zaznacz co najmniej jeden dzień otwarcia.";
    bad_site: "Choose one of your sites.", "Wybierz jedno ze swoich miejsc.";
    bad_times: "Enter the start and the end as a date and a time.", "Podaj początek i koniec jako datę i godzinę.";
    reason_needed: "Pick a reason or write one: the visitor reads it.", "Wybierz powód albo go wpisz: gość to przeczyta.";
    decline_other: "Another reason (write it below)", "Inny powód (wpisz poniżej)";
    decline_note: "A word for the visitor", "Słowo dla gościa";
    decline_note_hint: "(optional with a reason picked above)", "(opcjonalnie, gdy powód wybrano powyżej)";
    preset_full: "We have no desk free for you on these days.", "Nie mamy dla Ciebie wolnego biurka w te dni.";
    preset_closed: "The site is closed or taken by an event on these days.", "W te dni miejsce jest zamknięte albo zajęte przez wydarzenie.";
    preset_purpose: "The visit's purpose does not fit our cluster.", "Cel wizyty nie pasuje do naszego klastra.";
    done_stay_approved: "Approved. The visitor has been emailed the dates and a calendar invitation.", "Zatwierdzono. Gość dostał e-mail z datami i zaproszeniem do kalendarza.";
    done_stay_declined: "Declined. The visitor has been emailed your reason.", "Odrzucono. Gość dostał e-mail z Twoim powodem.";
    done_group_approved: "Approved. Each member of the delegation has been emailed the dates and a calendar invitation.", "Zatwierdzono. Każdy członek delegacji dostał e-mail z datami i zaproszeniem do kalendarza.";
    done_group_declined: "Declined. Each member of the delegation has been emailed your reason.", "Odrzucono. Każdy członek delegacji dostał e-mail z Twoim powodem.";
    time_left_title: "Time to answer", "Czas na odpowiedź";
    fewest_free: "Fewest desks free", "Najmniej wolnych biurek";
    day_holds_stays: "Stays are booked on this day, so it cannot be closed:", "W tym dniu są zarezerwowane pobyty, więc nie można go zamknąć:";
    open_days_label: "Opening days", "Dni otwarcia";
    contact_email: "Contact email", "E-mail kontaktowy";
    locale_label: "Language of emails", "Język e-maili";
    upcoming_events: "Coming events", "Nadchodzące wydarzenia";
    registered_of: "registered / places", "zapisani / miejsca";
    bad_zone: "Enter a time zone of the IANA database, such as Europe/Warsaw.", "Podaj strefę czasową z bazy IANA, np. Europe/Warsaw.";
    bad_period: "Enter the period as two dates, the first not after the last, at most five years apart.", "Podaj okres jako dwie daty, pierwszą nie późniejszą niż ostatnia, najwyżej pięć lat od siebie.";
    timezone: "Time zone (IANA)", "Strefa czasowa (IANA)";
    publish_event: "Publish an event", "Opublikuj wydarzenie";
    title: "Title", "Tytuł";
    description: "Description", "Opis";
    starts_at: "Starts (local time)", "Początek (czas lokalny)";
    ends_at: "Ends (local time)", "Koniec (czas lokalny)";
    capacity: "Places", "Miejsca";
    open_to_visitors: "Open to visiting members", "Otwarte dla gości z sieci";
    site: "Site", "Miejsce";
    publish: "Publish", "Opublikuj";
    cancel_event: "Cancel the event", "Odwołaj wydarzenie";
    cancelled_word: "cancelled", "odwołane";
    invite_member: "Invite a member", "Zaproś członka";
    company: "Company", "Firma";
    revoke: "Revoke", "Cofnij członkostwo";
    status: "Status", "Status";
    roles: "Roles", "Role";

    network_title: "Network", "Sieć";
    clusters_title: "Clusters", "Klastry";
    add_cluster: "Add a cluster", "Dodaj klaster";
    city: "City", "Miasto";
    country: "Country (ISO code)", "Kraj (kod ISO)";
    latitude: "Latitude", "Szerokość geograficzna";
    longitude: "Longitude", "Długość geograficzna";
    joined_on: "Joined on", "Data przystąpienia";
    change_status: "Change status", "Zmień status";
    ledger_title: "Reciprocity ledger", "Bilans wzajemności";
    ledger_intro: "Visitor-days each cluster hosted and used in the period.", "Dni gości, które każdy klaster przyjął i wykorzystał w okresie.";
    show: "Show", "Pokaż";
    heatmap_title: "Visitor-days, host × home", "Dni gości: gospodarz × klaster macierzysty";
    heatmap_note: "Rows are hosts, columns are home clusters, the busiest first; the ten busiest each way are named, the rest summed as “others”. An empty cell is no visitor-day; the darker, the more.",
        "Wiersze to gospodarze, kolumny to klastry macierzyste, najbardziej ruchliwe najpierw; nazwano po dziesięć z każdej strony, resztę zsumowano jako „pozostałe”. Pusta komórka to brak dni gości; im ciemniej, tym więcej.";
    host_word: "Host", "Gospodarz";
    home_word: "home", "klaster macierzysty";
    total: "Total", "Razem";
    others: "others", "pozostałe";
    balance_title: "Days hosted and days used", "Dni przyjęte i wykorzystane";
    balance_note: "the number after a name is the balance, hosted minus used.",
        "liczba po nazwie to bilans: przyjęte minus wykorzystane.";
    story_title: "In short", "W skrócie";
    net_hosts: "Hosting more than they send", "Przyjmują więcej, niż wysyłają";
    net_senders: "Sending more than they host", "Wysyłają więcej, niż przyjmują";
    not_hosting_title: "Not hosting in return", "Nie przyjmują gości w zamian";
    all_reciprocate: "Every cluster hosts in return.", "Każdy klaster przyjmuje gości w zamian.";
    nobody_yet: "No visitor-days in this period.", "Brak dni gości w tym okresie.";
    story_note: "Balances are visitor-days hosted minus visitor-days used in the period; the full figures are below and in the CSV.",
        "Bilans to dni gości przyjęte minus wykorzystane w okresie; pełne liczby są niżej i w pliku CSV.";
    figures_title: "Figures", "Liczby";
    cluster: "Cluster", "Klaster";
    standing: "Standing", "Wzajemność";
    days_hosted: "Days hosted", "Dni przyjęte";
    days_used: "Days used", "Dni wykorzystane";
    balance: "Balance", "Bilans";
    requests_received: "Requests", "Prośby";
    requests_approved: "Approved", "Zatwierdzone";
    requests_declined: "Declined", "Odrzucone";
    requests_expired: "Expired", "Wygasłe";
    exceptions: "Guarantee exceptions", "Wyjątki od gwarancji";
    download_csv: "Download the figures (CSV)", "Pobierz liczby (CSV)";
    reciprocating: "reciprocating", "wzajemny";
    in_grace: "new, not yet counted", "nowy, jeszcze nie liczony";
    not_reciprocating: "not hosting in return", "nie przyjmuje gości w zamian";

    error_title: "Something is not right", "Coś jest nie tak";
    not_found: "There is no such page, or you may not see it.", "Nie ma takiej strony albo nie masz do niej dostępu.";
    forbidden: "You may not do this.", "Nie możesz tego zrobić.";
    form_expired: "This form has expired or was not served by deskvisa. Open the page again.",
        "Ten formularz wygasł albo nie pochodzi z deskvisa. Otwórz stronę ponownie.";
    busy: "deskvisa is busy. Try again in a moment.", "deskvisa jest zajęty. Spróbuj za chwilę.";
    internal: "Something went wrong on our side. Try again later.", "Coś poszło nie tak po naszej stronie. Spróbuj później.";
    quote_reference: "If you write to us about it, quote this reference:", "Pisząc do nas w tej sprawie, podaj ten numer:";
    back_home: "Back to the map", "Wróć do mapy";
    bad_request: "This address or form cannot be read. Go back and try again.", "Nie można odczytać tego adresu ani formularza. Wróć i spróbuj ponownie.";
}

impl Words {
    /// The table of a locale.
    pub(crate) const fn of(locale: Locale) -> &'static Words {
        match locale {
            Locale::En => &EN,
            Locale::Pl => &PL,
        }
    }

    fn polish(&self) -> bool {
        self.lang == Locale::Pl
    }

    /// "March 2027" / "marzec 2027".
    pub(crate) fn month(&self, first: NaiveDate) -> String {
        deskvisa_words::month_and_year(self.lang, first)
    }

    /// A weekday's short and full names.
    pub(crate) fn weekday(&self, day: Weekday) -> (&'static str, &'static str) {
        deskvisa_words::weekday(self.lang, day)
    }

    /// The language of this table.
    pub(crate) fn locale(&self) -> Locale {
        self.lang
    }

    /// "Monday, 4 January 2027" / "poniedziałek, 4 stycznia 2027".
    pub(crate) fn date(&self, date: NaiveDate) -> String {
        deskvisa_words::long_date(self.locale(), date)
    }

    /// A range of dates, both ends included: "4–8 January 2027".
    pub(crate) fn range(&self, start: NaiveDate, end: NaiveDate) -> String {
        deskvisa_words::date_range(self.locale(), start, end)
    }

    /// A span of local time: "Tuesday, 10 March 2026, 17:00–19:00".
    pub(crate) fn time_span(&self, start: NaiveDateTime, end: NaiveDateTime) -> String {
        deskvisa_words::time_span(self.locale(), start, end)
    }

    /// An instant in a zone, the zone named.
    pub(crate) fn instant(&self, at: chrono::DateTime<chrono::Utc>, zone: &str) -> String {
        deskvisa_words::instant_in_zone(self.locale(), at, zone)
    }

    /// What cancelling a stay does, said before it is done.
    pub(crate) fn cancel_consequence(&self, site: &str, dates: &str) -> String {
        if self.polish() {
            format!(
                "Pobyt w {site}, {dates}, zostanie odwołany. Biurka wrócą do gospodarza, który dostanie wiadomość, a Twoje zapisy na wydarzenia w tym czasie zostaną wycofane. Tego nie można cofnąć."
            )
        } else {
            format!(
                "Your stay at {site}, {dates}, will be cancelled. Its desks go back to the host, who is told, and your registrations for events during it are withdrawn. This cannot be undone."
            )
        }
    }

    /// What revoking a member does, said before it is done.
    pub(crate) fn revoke_consequence(&self, name: &str, email: &str) -> String {
        if self.polish() {
            format!(
                "{name} ({email}) straci dostęp od razu: linki do logowania, sesje i tokeny przestaną działać, a nowe pobyty nie będą możliwe. Członkostwo można później przywrócić."
            )
        } else {
            format!(
                "{name} ({email}) loses access at once: sign-in links, sessions and tokens stop working, and no new stay can be requested. You can restore the membership later."
            )
        }
    }

    /// What cancelling an event (and, with `rest`, every later one of its
    /// series) does, said before it is done.
    pub(crate) fn cancel_event_consequence(&self, title: &str, when: &str, registered: u32, rest: bool) -> String {
        let told = self.counted(
            u64::from(registered),
            &Counted {
                en: ["its {n} registered person is emailed", "its {n} registered people are emailed"],
                pl: [
                    "{n} zapisana osoba dostanie wiadomość",
                    "{n} zapisane osoby dostaną wiadomość",
                    "{n} zapisanych osób dostanie wiadomość",
                ],
            },
        );
        match (self.polish(), rest) {
            (false, false) => format!("“{title}”, {when}, will be cancelled and {told}. This cannot be undone."),
            (false, true) => format!(
                "“{title}”, {when}, and every later event of its series will be cancelled; {told}, as are those of the later ones. This cannot be undone."
            ),
            (true, false) => format!("„{title}”, {when}, zostanie odwołane, a {told}. Tego nie można cofnąć."),
            (true, true) => format!(
                "„{title}”, {when}, i wszystkie kolejne wydarzenia z cyklu zostaną odwołane; {told}, podobnie jak zapisani na kolejne. Tego nie można cofnąć."
            ),
        }
    }

    /// The preset reasons a host declines with: their keys and words.
    pub(crate) fn decline_presets(&self) -> [(&'static str, &'static str); 3] {
        [("full", self.preset_full), ("closed", self.preset_closed), ("purpose", self.preset_purpose)]
    }

    /// A decline's reason from its form: the preset picked (in these
    /// words), then the note, either alone; none when both are empty.
    pub(crate) fn decline_reason(&self, preset: &str, note: &str) -> Option<String> {
        let preset = self.decline_presets().into_iter().find(|(key, _)| *key == preset).map(|(_, text)| text);
        match (preset, note.trim()) {
            (None, "") => None,
            (Some(text), "") => Some(text.to_owned()),
            (None, note) => Some(note.to_owned()),
            (Some(text), note) => Some(format!("{text} {note}")),
        }
    }

    /// How long is left to answer: "2 d 23 h left" / "zostało 2 d 23 godz.".
    pub(crate) fn time_left(&self, left: chrono::TimeDelta) -> String {
        let hours = left.num_hours().max(0);
        let (d, h) = (hours / 24, hours % 24);
        match (self.polish(), d) {
            (false, 0) => format!("{h} h left"),
            (false, d) => format!("{d} d {h} h left"),
            (true, 0) => format!("zostało {h} godz."),
            (true, d) => format!("zostało {d} d {h} godz."),
        }
    }

    /// A group of pins: "3 sites: Nyhavn, Ørestad, Aarhus — zoom in".
    pub(crate) fn group_title(&self, n: usize, names: &[String]) -> String {
        let sites = self.counted(
            n as u64,
            &Counted { en: ["{n} site", "{n} sites"], pl: ["{n} miejsce", "{n} miejsca", "{n} miejsc"] },
        );
        let zoom = if self.polish() { "przybliż" } else { "zoom in" };
        format!("{sites}: {} — {zoom}", names.join(", "))
    }

    /// An event's times the rules refuse, in this language.
    pub(crate) fn event_times(&self, e: &EventTimeError) -> String {
        let (en, pl) = match e {
            EventTimeError::Malformed(_) => (self.bad_times.to_owned(), self.bad_times.to_owned()),
            EventTimeError::EndsBeforeStart => (
                "The event must end after it starts.".to_owned(),
                "Wydarzenie musi kończyć się po swoim początku.".to_owned(),
            ),
            EventTimeError::TooLong => (
                format!("An event lasts at most {} days.", deskvisa_rules::MAX_EVENT_DAYS),
                format!("Wydarzenie trwa najwyżej {} dni.", deskvisa_rules::MAX_EVENT_DAYS),
            ),
            EventTimeError::InThePast => (
                "The event's start has already passed at the site.".to_owned(),
                "Początek wydarzenia już minął w czasie miejsca.".to_owned(),
            ),
            EventTimeError::TooFar { latest } => (
                format!("An event starts on {} at the latest.", self.date(*latest)),
                format!("Wydarzenie może zacząć się najpóźniej {}.", self.date(*latest)),
            ),
        };
        if self.polish() { pl } else { en }
    }

    /// "5 open days" / "5 dni otwartych".
    pub(crate) fn open_day_count(&self, n: u32) -> String {
        self.counted(
            u64::from(n),
            &Counted {
                en: ["{n} open day", "{n} open days"],
                pl: ["{n} dzień otwarty", "{n} dni otwarte", "{n} dni otwartych"],
            },
        )
    }

    /// "1 event during your stay" / "1 wydarzenie w czasie pobytu".
    pub(crate) fn events_during_count(&self, n: usize) -> String {
        self.counted(
            n as u64,
            &Counted {
                en: ["{n} event during your stay", "{n} events during your stay"],
                pl: [
                    "{n} wydarzenie w czasie pobytu",
                    "{n} wydarzenia w czasie pobytu",
                    "{n} wydarzeń w czasie pobytu",
                ],
            },
        )
    }

    /// A country's name: "Denmark" / "Dania".
    pub(crate) fn country(&self, country: deskvisa_rules::Country) -> String {
        deskvisa_words::country_name(self.lang, country)
    }

    /// A continent's name.
    pub(crate) fn continent(&self, continent: Continent) -> &'static str {
        let (en, pl) = match continent {
            Continent::Europe => ("Europe", "Europa"),
            Continent::Africa => ("Africa", "Afryka"),
            Continent::Asia => ("Asia", "Azja"),
            Continent::Oceania => ("Oceania", "Oceania"),
            Continent::NorthAmerica => ("North America", "Ameryka Północna"),
            Continent::SouthAmerica => ("South America", "Ameryka Południowa"),
        };
        if self.polish() { pl } else { en }
    }

    /// A counted phrase in this language, its form by the CLDR's rules.
    fn counted(&self, n: u64, phrase: &Counted) -> String {
        deskvisa_words::counted(self.lang, n, phrase)
    }

    /// "3 days" / "3 dni".
    pub(crate) fn day_count(&self, n: u64) -> String {
        self.counted(n, &Counted { en: ["{n} day", "{n} days"], pl: ["{n} dzień", "{n} dni", "{n} dni"] })
    }

    /// A day's free desks: "2 desks free" / "2 wolne biurka".
    pub(crate) fn free(&self, n: u32) -> String {
        let phrase = Counted {
            en: ["{n} desk free", "{n} desks free"],
            pl: ["{n} wolne biurko", "{n} wolne biurka", "{n} wolnych biurek"],
        };
        self.counted(u64::from(n), &phrase)
    }

    /// An event's free places: "3 places left" / "3 wolne miejsca".
    pub(crate) fn places(&self, n: u32) -> String {
        let phrase = Counted {
            en: ["{n} place left", "{n} places left"],
            pl: ["{n} wolne miejsce", "{n} wolne miejsca", "{n} wolnych miejsc"],
        };
        self.counted(u64::from(n), &phrase)
    }

    /// The open days a stay holds a desk: "5 desk days" / "5 dni przy biurku".
    pub(crate) fn desk_days(&self, n: u64) -> String {
        self.counted(
            n,
            &Counted {
                en: ["{n} desk day", "{n} desk days"],
                pl: ["{n} dzień przy biurku", "{n} dni przy biurku", "{n} dni przy biurku"],
            },
        )
    }

    /// How a host answers, as a visitor reads it: "the host answers within
    /// 3 days, or the stay is approved" / "approved at once".
    pub(crate) fn answer_promise(&self, policy: &deskvisa_rules::HostPolicy) -> String {
        use deskvisa_rules::{ApprovalMode, OnNoAnswer};
        if policy.approval_mode() == ApprovalMode::Auto {
            return self.approved_at_once.to_owned();
        }
        let within = self.counted(
            u64::from(policy.answer_window_days()),
            &Counted {
                en: ["the host answers within {n} day", "the host answers within {n} days"],
                pl: [
                    "gospodarz odpowie w ciągu {n} dnia",
                    "gospodarz odpowie w ciągu {n} dni",
                    "gospodarz odpowie w ciągu {n} dni",
                ],
            },
        );
        let otherwise = match (self.polish(), policy.on_no_answer()) {
            (false, OnNoAnswer::Approve) => "or the stay is approved",
            (false, OnNoAnswer::Expire) => "or the request lapses",
            (true, OnNoAnswer::Approve) => "a bez odpowiedzi pobyt zostanie zatwierdzony",
            (true, OnNoAnswer::Expire) => "a bez odpowiedzi prośba wygaśnie",
        };
        format!("{within}, {otherwise}")
    }

    /// A host's policy as the visitor reads it, a sentence each: how far
    /// ahead, how long, how often (and how many are left), how it answers.
    pub(crate) fn policy_for_visitor(
        &self,
        policy: &deskvisa_rules::HostPolicy,
        max_days: u32,
        left: Option<u32>,
    ) -> Vec<String> {
        let (notice, horizon) = (policy.min_notice_days(), policy.horizon_days());
        let ahead = match (self.polish(), notice) {
            (false, 0) => format!("Request up to {horizon} days ahead"),
            (false, n) => format!("Request {n}–{horizon} days ahead"),
            (true, 0) => format!("Poproś o pobyt najwyżej {horizon} dni wcześniej"),
            (true, n) => format!("Poproś o pobyt {n}–{horizon} dni wcześniej"),
        };
        let longest = self.counted(
            u64::from(max_days),
            &Counted {
                en: ["Up to {n} day a stay", "Up to {n} days a stay"],
                pl: ["Najwyżej {n} dzień pobytu", "Najwyżej {n} dni pobytu", "Najwyżej {n} dni pobytu"],
            },
        );
        let mut often = self.counted(
            u64::from(policy.stays_per_year()),
            &Counted {
                en: ["{n} stay a year", "{n} stays a year"],
                pl: ["{n} pobyt w roku", "{n} pobyty w roku", "{n} pobytów w roku"],
            },
        );
        if let Some(left) = left {
            often.push_str(&if self.polish() { format!(" (zostało: {left})") } else { format!(" ({left} left)") });
        }
        vec![ahead, longest, often, capitalized(&self.answer_promise(policy))]
    }

    /// Free desks of a day: "2 of 4 desks free" / "wolne biurka: 2 z 4".
    pub(crate) fn desks_free(&self, free: u32, desks: u32) -> String {
        if self.polish() { format!("wolne biurka: {free} z {desks}") } else { format!("{free} of {desks} desks free") }
    }

    /// Earlier visits: "2 earlier visits" / "wcześniejsze wizyty: 2".
    pub(crate) fn visit_count(&self, n: u32) -> String {
        match (self.polish(), n) {
            (false, 0) => "first visit to this host".to_owned(),
            (false, 1) => "1 earlier visit".to_owned(),
            (false, n) => format!("{n} earlier visits"),
            (true, 0) => "pierwsza wizyta u tego gospodarza".to_owned(),
            (true, n) => format!("wcześniejsze wizyty: {n}"),
        }
    }

    /// Every refused field of a form, each with its label and rule.
    pub(crate) fn field_errors(&self, refused: &[crate::input::FieldError]) -> String {
        refused.iter().map(|e| self.field_error(e)).collect::<Vec<_>>().join(" · ")
    }

    /// A field of a form refused by the shared parser ([`crate::input`]):
    /// its label and the rule, in this language.
    pub(crate) fn field_error(&self, e: &crate::input::FieldError) -> String {
        let label = match e.field {
            "name" => self.name,
            "city" => self.city,
            "country" => self.country,
            "timezone" => self.timezone,
            "latitude" => self.latitude,
            "longitude" => self.longitude,
            "joined_on" => self.joined_on,
            "address" => self.address,
            "desks" => self.desks,
            "open_weekdays" => self.open_days_label,
            "contact_email" => self.contact_email,
            "house_rules" => self.house_rules,
            "email" => self.email,
            "admin_email" => self.admin_email,
            "admin_name" => self.admin_name,
            "company" => self.company,
            "locale" => self.locale_label,
            "vouched_until" => self.vouched_until,
            "title" => self.title,
            "description" => self.description,
            "starts_at" => self.starts_at,
            "ends_at" => self.ends_at,
            "capacity" => self.capacity,
            other => other,
        };
        format!("{label}: {}", self.field_rule(e))
    }

    /// The rule a refused field broke, in this language (told beside it).
    pub(crate) fn field_rule(&self, e: &crate::input::FieldError) -> String {
        use crate::input::Rule;
        match (self.polish(), &e.rule) {
            (false, Rule::Text { max }) => format!("1 to {max} characters, on one line"),
            (true, Rule::Text { max }) => format!("od 1 do {max} znaków, bez znaków sterujących"),
            (false, Rule::Email) => "not an email address".to_owned(),
            (true, Rule::Email) => "to nie jest adres e-mail".to_owned(),
            (false, Rule::Country) => "two capital letters of the ISO code, such as PL or DK".to_owned(),
            (true, Rule::Country) => "dwie wielkie litery kodu ISO, np. PL albo DK".to_owned(),
            (false, Rule::Coordinate { limit }) => format!("a number of degrees from −{limit} to {limit}"),
            (true, Rule::Coordinate { limit }) => format!("liczba stopni od −{limit} do {limit}"),
            (_, Rule::Zone) => self.bad_zone.to_owned(),
            (false, Rule::Date) => "a date from the calendar (YYYY-MM-DD)".to_owned(),
            (true, Rule::Date) => "data z kalendarza (RRRR-MM-DD)".to_owned(),
            (_, Rule::LocalTime) => self.bad_times.to_owned(),
            (false, Rule::Seats { max }) => format!("a whole number of seats from 1 to {max}"),
            (true, Rule::Seats { max }) => format!("liczba miejsc od 1 do {max}"),
            (false, Rule::WholeNumber { max }) => format!("a whole number from 0 to {max}"),
            (true, Rule::WholeNumber { max }) => format!("liczba całkowita od 0 do {max}"),
            (false, Rule::Weekdays) => "days of the week from the list".to_owned(),
            (true, Rule::Weekdays) => "dni tygodnia z listy".to_owned(),
            (false, Rule::Locale) => "English or Polish".to_owned(),
            (true, Rule::Locale) => "angielski albo polski".to_owned(),
            (false, Rule::Tags) => {
                "fields from the list and at most five of your own words (2 to 40 letters, digits, spaces or hyphens)"
                    .to_owned()
            }
            (true, Rule::Tags) => {
                "dziedziny z listy i najwyżej pięć własnych słów (od 2 do 40 liter, cyfr, spacji lub łączników)"
                    .to_owned()
            }
            (false, Rule::Website) => "a web address starting with http:// or https://".to_owned(),
            (true, Rule::Website) => "adres strony zaczynający się od http:// lub https://".to_owned(),
            (false, Rule::About) => "at most 2,000 characters".to_owned(),
            (true, Rule::About) => "najwyżej 2000 znaków".to_owned(),
            (false, Rule::Languages) => "two-letter language codes such as en or pl, at most ten".to_owned(),
            (true, Rule::Languages) => "dwuliterowe kody języków, np. en lub pl, najwyżej dziesięć".to_owned(),
            (false, Rule::Id) => "choose one from the list".to_owned(),
            (true, Rule::Id) => "wybierz z listy".to_owned(),
        }
    }

    /// A place in line: "2nd in line" / "Miejsce w kolejce: 2".
    pub(crate) fn wait_place(&self, place: u64) -> String {
        if self.polish() {
            format!("Miejsce w kolejce: {place}")
        } else {
            let suffix = match (place % 10, place % 100) {
                (1, n) if n != 11 => "st",
                (2, n) if n != 12 => "nd",
                (3, n) if n != 13 => "rd",
                _ => "th",
            };
            format!("{place}{suffix} in line")
        }
    }

    /// An open offer: "Desks are held for you until …".
    pub(crate) fn wait_offered(&self, until: &str) -> String {
        if self.polish() {
            format!("Biurka są zarezerwowane dla Ciebie do {until}.")
        } else {
            format!("Desks are held for you until {until}.")
        }
    }

    /// A date outside its bounds: "Closed day: a date from 2025-03-01 to 2031-03-06".
    pub(crate) fn date_out_of_range(&self, label: &str, earliest: NaiveDate, latest: NaiveDate) -> String {
        if self.polish() {
            format!("{label}: data od {} do {}", self.date(earliest), self.date(latest))
        } else {
            format!("{label}: a date from {} to {}", self.date(earliest), self.date(latest))
        }
    }

    /// Why a visitor may not ask to meet a firm, in this language.
    pub(crate) fn introduction_refusal(&self, refusal: deskvisa_rules::IntroductionRefusal) -> String {
        use deskvisa_rules::IntroductionRefusal as R;
        let (en, pl) = match refusal {
            R::StayNotApproved => (
                "Introductions are asked for during an approved stay.",
                "O przedstawienie można prosić w czasie zatwierdzonego pobytu.",
            ),
            R::StayOver => ("This stay has ended.", "Ten pobyt już się zakończył."),
            R::FirmNotOfHost => (
                "This firm is not of the cluster you are visiting.",
                "Ta firma nie należy do klastra, który odwiedzasz.",
            ),
            R::FirmNotOpenToVisitors => (
                "This firm does not take introductions from visitors.",
                "Ta firma nie przyjmuje próśb o przedstawienie od gości.",
            ),
            R::LimitReached => (
                "A stay asks for at most ten introductions.",
                "W czasie jednego pobytu można poprosić o najwyżej dziesięć przedstawień.",
            ),
            R::AlreadyAsked => (
                "You have asked this firm already during this stay.",
                "Ta firma ma już Twoją prośbę o spotkanie w czasie tego pobytu.",
            ),
            R::OwnFirm => ("You answer for this firm yourself.", "Sam odpowiadasz za tę firmę."),
        };
        if self.polish() { pl.to_owned() } else { en.to_owned() }
    }

    /// A refusal about moving a stay or waiting for one, in this language.
    fn stay_conflict(&self, conflict: &Conflict) -> String {
        let say = |en: &str, pl: &str| if self.polish() { pl.to_owned() } else { en.to_owned() };
        match conflict {
            Conflict::Move(deskvisa_rules::MoveRefusal::NotMovable) => say(
                "Only a pending or approved stay that has not ended can have new dates.",
                "Nowe terminy może mieć tylko pobyt oczekujący lub zatwierdzony, który się nie zakończył.",
            ),
            Conflict::Move(deskvisa_rules::MoveRefusal::Started { start_date }) => say(
                &format!(
                    "Your stay has begun: it keeps its first day, {}. You can still end it earlier or later.",
                    self.date(*start_date)
                ),
                &format!(
                    "Pobyt już trwa: pierwszy dzień pozostaje bez zmian ({}). Możesz zakończyć go wcześniej lub później.",
                    self.date(*start_date)
                ),
            ),
            Conflict::Move(deskvisa_rules::MoveRefusal::EndBeforeToday { end_date }) => say(
                &format!("The new last day, {}, has passed.", self.date(*end_date)),
                &format!("Nowy ostatni dzień, {}, już minął.", self.date(*end_date)),
            ),
            Conflict::AlreadyWaiting => say(
                "You are already waiting at this site for dates that overlap these.",
                "Czekasz już w tej lokalizacji na terminy, które pokrywają się z tymi.",
            ),
            Conflict::WaitingTooMuch { max } => say(
                &format!("You are waiting for {max} stays already: leave one to wait for another."),
                &format!("Czekasz już na pobyty w {max} kolejkach: zrezygnuj z jednej, aby czekać na inny."),
            ),
            Conflict::DesksFree => say(
                "Desks are free on every day of these dates: request the stay instead of waiting.",
                "W każdym z tych dni są wolne biurka: złóż wniosek o pobyt zamiast czekać.",
            ),
            Conflict::WaitOver => say("This place in line has ended already.", "To miejsce w kolejce już wygasło."),
            Conflict::OfferNotOpen => say(
                "No desks are held for you now: the offer lapsed, or none was made yet.",
                "Nie ma teraz zarezerwowanych dla Ciebie biurek: oferta wygasła albo jeszcze jej nie złożono.",
            ),
            other => other.to_string(),
        }
    }

    /// A refusal of the service ([`Conflict`]) in this language: from its
    /// variant, never from its English sentence.
    pub(crate) fn conflict(&self, conflict: &Conflict) -> String {
        let say = |en: &str, pl: &str| if self.polish() { pl.to_owned() } else { en.to_owned() };
        match conflict {
            Conflict::EmailTaken | Conflict::EmailTakenElsewhere | Conflict::EmailTakenJustNow { .. } => {
                self.email_taken.to_owned()
            }
            Conflict::LastAdmin => self.last_admin.to_owned(),
            Conflict::ClusterNameTaken { .. } => self.cluster_name_taken.to_owned(),
            Conflict::FirmNameTaken { name } => say(
                &format!("The cluster has a firm called “{name}” already."),
                &format!("Klaster ma już firmę o nazwie „{name}”."),
            ),
            Conflict::Introduction(refusal) => self.introduction_refusal(*refusal),
            Conflict::Letter(deskvisa_rules::LetterRefusal::StayNotApproved) => say(
                "Only an approved stay has an invitation letter.",
                "List zapraszający przysługuje tylko do zatwierdzonego pobytu.",
            ),
            Conflict::Letter(deskvisa_rules::LetterRefusal::StayOver) => {
                say("This stay has ended.", "Ten pobyt już się zakończył.")
            }
            Conflict::Move(_)
            | Conflict::AlreadyWaiting
            | Conflict::WaitingTooMuch { .. }
            | Conflict::DesksFree
            | Conflict::WaitOver
            | Conflict::OfferNotOpen => self.stay_conflict(conflict),
            Conflict::SignatoryNotAdmin => say(
                "Only one of the cluster's admins can sign its letters.",
                "Listy klastra może podpisywać tylko jedna z osób administrujących klastrem.",
            ),
            Conflict::IntroductionAnswered => say(
                "This introduction has been answered already, or has lapsed.",
                "Na tę prośbę o przedstawienie już odpowiedziano albo wygasła.",
            ),
            Conflict::IdempotencyKeyReused | Conflict::IdempotencyKeyInFlight => say(
                "This form was sent twice: reload the page to see what happened.",
                "Ten formularz został wysłany dwa razy: odśwież stronę, aby zobaczyć, co się stało.",
            ),
            Conflict::NoHomeCluster => say(
                "A network staff account belongs to no cluster: it runs the network and requests no stays.",
                "Konto zespołu sieci nie należy do żadnego klastra: prowadzi sieć i nie prosi o pobyty.",
            ),
            Conflict::MemberRevoked { email } => say(
                &format!("{email} was revoked by their cluster and cannot sign in."),
                &format!("Klaster cofnął członkostwo {email}: ta osoba nie może się logować."),
            ),
            Conflict::NameRequired { email } => say(
                &format!("Nobody has the address {email}: a new account needs a name."),
                &format!("Nikt nie ma adresu {email}: nowe konto potrzebuje imienia i nazwiska."),
            ),
            Conflict::DateOutOfRange(out) => {
                let label = match out.field {
                    DateField::Closure => self.date,
                    DateField::JoinedOn => self.joined_on,
                    DateField::VouchedUntil => self.vouched_until,
                };
                self.date_out_of_range(label, out.earliest, out.latest)
            }
            Conflict::CapacityBelowRegistrations { .. }
            | Conflict::EventCancelled
            | Conflict::EventOver
            | Conflict::EventFull
            | Conflict::EventTime(_)
            | Conflict::Registration(_) => self.event_conflict(conflict),
        }
    }

    /// [`Words::conflict`] for the refusals about an event.
    fn event_conflict(&self, conflict: &Conflict) -> String {
        let say = |en: &str, pl: &str| if self.polish() { pl.to_owned() } else { en.to_owned() };
        match conflict {
            Conflict::CapacityBelowRegistrations { registered } => say(
                &format!("{registered} people are registered: the event needs at least that many seats."),
                &format!("Zarejestrowanych osób: {registered}; wydarzenie potrzebuje co najmniej tylu miejsc."),
            ),
            Conflict::EventCancelled => say("The host has cancelled this event.", "Gospodarz odwołał to wydarzenie."),
            Conflict::EventOver => say("The event has already begun.", "Wydarzenie już się zaczęło."),
            Conflict::EventFull => {
                say("Every seat of this event is taken.", "Wszystkie miejsca na to wydarzenie są zajęte.")
            }
            Conflict::EventTime(EventTimeError::TooFar { latest }) => say(
                &format!("An event starts on {} at the latest.", self.date(*latest)),
                &format!("Wydarzenie może zacząć się najpóźniej {}.", self.date(*latest)),
            ),
            Conflict::Registration(RegistrationRefusal::NotOpenToVisitors) => say(
                "This event is for the host cluster's own members.",
                "To wydarzenie jest tylko dla członków klastra gospodarza.",
            ),
            Conflict::Registration(RegistrationRefusal::NoStayCoveringEvent) => say(
                "You have no approved stay at this site on the event's date.",
                "Nie masz zatwierdzonego pobytu w tym miejscu w dniu wydarzenia.",
            ),
            _ => say(
                "The event's start has already passed at the site.",
                "Początek wydarzenia już minął w czasie miejsca.",
            ),
        }
    }

    /// Why a cluster has stopped hosting, one clause per ground of
    /// `home_not_reciprocating`.
    pub(crate) fn lapse(&self, lapse: &deskvisa_rules::Lapse) -> String {
        let mut clauses = Vec::new();
        if let Some(since) = lapse.nothing_offered_since {
            clauses.push(if self.polish() {
                format!("żadne biurko nie było dostępne od {}", self.date(since))
            } else {
                format!("no bookable desk-day since {}", self.date(since))
            });
        }
        if let Some(n) = lapse.none_approved {
            let since = self.date(n.since.date_naive());
            clauses.push(if self.polish() {
                format!("odrzucone lub wygasłe wszystkie prośby objęte gwarancją od {since} (liczba: {})", n.refused)
            } else {
                format!("declined or let expire all {} requests within the guarantee since {since}", n.refused)
            });
        }
        clauses.join("; ")
    }

    /// A standing's reason on the ledger page: in grace, until when; not
    /// reciprocating, why; nothing when it reciprocates.
    pub(crate) fn standing_reason(&self, standing: &deskvisa_rules::Standing) -> String {
        match standing {
            deskvisa_rules::Standing::Reciprocating => String::new(),
            deskvisa_rules::Standing::InGrace { nothing_offered_since, lapses_on } => {
                if self.polish() {
                    format!(
                        "brak dostępnych biurek od {}; bez zmian przestanie wysyłać gości {}",
                        self.date(*nothing_offered_since),
                        self.date(*lapses_on)
                    )
                } else {
                    format!(
                        "no bookable desk-day since {}; stops sending visitors on {} unless that changes",
                        self.date(*nothing_offered_since),
                        self.date(*lapses_on)
                    )
                }
            }
            deskvisa_rules::Standing::NotReciprocating(lapse) => self.lapse(lapse),
        }
    }

    /// A row of an import that repeats an earlier line's address.
    pub(crate) fn repeats_line(&self, line: usize) -> String {
        if self.polish() {
            format!("odrzucony: ten adres jest już w wierszu {line}")
        } else {
            format!("refused: the address is already on line {line}")
        }
    }

    /// What an import preview found.
    pub(crate) fn import_summary(&self, add: usize, already: usize, refused: usize) -> String {
        if self.polish() {
            format!("Do dodania: {add}. Już członkowie: {already}. Odrzucone: {refused}.")
        } else {
            format!("{add} to be added, {already} already members, {refused} refused.")
        }
    }

    /// Why a members file is refused whole (nothing of it is written).
    pub(crate) fn file_problem(&self, problem: &crate::api::member_file::FileProblem) -> String {
        use crate::api::member_file::FileProblem as P;
        let pl = self.polish();
        let nothing = if pl { " Nic nie zostało zapisane." } else { " Nothing was written." };
        let what = match (pl, problem) {
            (false, P::TooLarge) => "The file is larger than 1 MiB. Split it into smaller files.".to_owned(),
            (true, P::TooLarge) => "Plik jest większy niż 1 MiB. Podziel go na mniejsze pliki.".to_owned(),
            (false, P::Empty) => {
                "The file holds no members: a header row and at least one row under it are needed.".to_owned()
            }
            (true, P::Empty) => {
                "Plik nie zawiera członków: potrzebny jest wiersz nagłówka i co najmniej jeden wiersz pod nim."
                    .to_owned()
            }
            (false, P::NotUtf8 { line }) => {
                format!("The file is not in UTF-8 (line {line}). Save it as \"CSV UTF-8\" and try again.")
            }
            (true, P::NotUtf8 { line }) => {
                format!("Plik nie jest w UTF-8 (wiersz {line}). Zapisz go jako „CSV UTF-8” i spróbuj ponownie.")
            }
            (false, P::Columns { missing, unknown }) => format!(
                "The header row must name the columns email and name (and may name company, locale, vouched_until).{}{}",
                if missing.is_empty() { String::new() } else { format!(" Missing: {}.", missing.join(", ")) },
                if unknown.is_empty() {
                    String::new()
                } else {
                    format!(" Not known, or twice: {}.", unknown.join(", "))
                }
            ),
            (true, P::Columns { missing, unknown }) => format!(
                "Wiersz nagłówka musi zawierać kolumny email i name (może też company, locale, vouched_until).{}{}",
                if missing.is_empty() { String::new() } else { format!(" Brakuje: {}.", missing.join(", ")) },
                if unknown.is_empty() {
                    String::new()
                } else {
                    format!(" Nieznane lub powtórzone: {}.", unknown.join(", "))
                }
            ),
            (false, P::Formula { line, column }) => format!(
                "Line {line}, column {column}, begins like a spreadsheet formula (=, +, -, @). Remove it and try again."
            ),
            (true, P::Formula { line, column }) => format!(
                "Wiersz {line}, kolumna {column}, zaczyna się jak formuła arkusza (=, +, -, @). Usuń ją i spróbuj ponownie."
            ),
            (false, P::TooManyRows) => "The file has more than 5,000 rows. Split it into smaller files.".to_owned(),
            (true, P::TooManyRows) => "Plik ma więcej niż 5000 wierszy. Podziel go na mniejsze pliki.".to_owned(),
            (false, P::Malformed { line }) => {
                format!("Line {line} is not a CSV row like the header (a quote left open, or another number of cells).")
            }
            (true, P::Malformed { line }) => format!(
                "Wiersz {line} nie jest wierszem CSV jak nagłówek (niezamknięty cudzysłów albo inna liczba komórek)."
            ),
        };
        format!("{what}{nothing}")
    }

    /// What changing a cluster's status to `to` means, for the confirmation.
    pub(crate) fn status_consequence(&self, name: &str, to: ClusterStatus) -> String {
        match (self.polish(), to) {
            (false, ClusterStatus::Active) => {
                format!("{name} becomes active: its members may request stays again, and it takes visitors.")
            }
            (false, ClusterStatus::Suspended) => format!(
                "{name} is suspended: its members cannot request new stays and it takes no new visitors. Approved stays, as host and as home, are kept; its people can still sign in and cancel."
            ),
            (false, ClusterStatus::Left) => format!(
                "{name} is recorded as having left the network: no new stays to or from it. Approved stays are kept; its people can still sign in and cancel."
            ),
            (true, ClusterStatus::Active) => {
                format!("{name} staje się aktywny: jego członkowie znów mogą prosić o pobyty, a on przyjmuje gości.")
            }
            (true, ClusterStatus::Suspended) => format!(
                "{name} zostaje zawieszony: jego członkowie nie mogą prosić o nowe pobyty, a on nie przyjmuje nowych gości. Zatwierdzone pobyty (jako gospodarz i klaster macierzysty) pozostają; jego ludzie nadal mogą się logować i odwoływać pobyty."
            ),
            (true, ClusterStatus::Left) => format!(
                "{name} zostaje oznaczony jako poza siecią: żadnych nowych pobytów do niego ani z niego. Zatwierdzone pobyty pozostają; jego ludzie nadal mogą się logować i odwoływać pobyty."
            ),
        }
    }

    /// An introduction's status, in words.
    pub(crate) fn introduction_status(&self, status: deskvisa_rules::IntroductionStatus) -> &'static str {
        use deskvisa_rules::IntroductionStatus as S;
        match (self.polish(), status) {
            (false, S::Pending) => "Waiting for an answer",
            (false, S::Accepted) => "Accepted",
            (false, S::Declined) => "Declined",
            (false, S::Lapsed) => "Lapsed with the stay",
            (true, S::Pending) => "Czeka na odpowiedź",
            (true, S::Accepted) => "Przyjęta",
            (true, S::Declined) => "Odrzucona",
            (true, S::Lapsed) => "Wygasła wraz z pobytem",
        }
    }

    /// A stay's status, in words.
    pub(crate) fn stay_status(&self, status: StayStatus) -> &'static str {
        match (self.polish(), status) {
            (false, StayStatus::Pending) => "Pending: waiting for the host",
            (false, StayStatus::Approved) => "Approved",
            (false, StayStatus::Declined) => "Declined",
            (false, StayStatus::Cancelled) => "Cancelled",
            (false, StayStatus::Expired) => "Expired: the host did not answer",
            (true, StayStatus::Pending) => "Oczekuje na gospodarza",
            (true, StayStatus::Approved) => "Zatwierdzony",
            (true, StayStatus::Declined) => "Odrzucony",
            (true, StayStatus::Cancelled) => "Odwołany",
            (true, StayStatus::Expired) => "Wygasł: gospodarz nie odpowiedział",
        }
    }

    /// A cluster's status, in words.
    pub(crate) fn cluster_status(&self, status: ClusterStatus) -> &'static str {
        match (self.polish(), status) {
            (false, ClusterStatus::Active) => "active",
            (false, ClusterStatus::Suspended) => "suspended",
            (false, ClusterStatus::Left) => "left the network",
            (true, ClusterStatus::Active) => "aktywny",
            (true, ClusterStatus::Suspended) => "zawieszony",
            (true, ClusterStatus::Left) => "poza siecią",
        }
    }

    /// A member's status, in words.
    pub(crate) fn member_status(&self, status: MemberStatus) -> &'static str {
        match (self.polish(), status) {
            (false, MemberStatus::Invited) => "invited",
            (false, MemberStatus::Active) => "active",
            (false, MemberStatus::Revoked) => "revoked",
            (true, MemberStatus::Invited) => "zaproszony",
            (true, MemberStatus::Active) => "aktywny",
            (true, MemberStatus::Revoked) => "cofnięty",
        }
    }

    /// A confirmation shown after a form did its work (`?done=`).
    pub(crate) fn done(&self, what: &str) -> Option<&'static str> {
        Some(match what {
            "requested" => self.done_requested,
            "cancelled" => self.done_cancelled,
            "registered" => self.done_registered,
            "withdrawn" => self.done_withdrawn,
            "saved" => self.done_saved,
            "approved" => self.done_stay_approved,
            "stay-declined" => self.done_stay_declined,
            "group-approved" => self.done_group_approved,
            "group-declined" => self.done_group_declined,
            "invited" => self.done_invited,
            "imported" => self.done_imported,
            "asked" => self.done_asked,
            "accepted" => self.done_accepted,
            "declined" => self.done_declined,
            "letter" => self.done_letter,
            "moved" => self.done_moved,
            "waiting" => self.done_waiting,
            "left" => self.done_left,
            _ => return None,
        })
    }

    /// A policy field's label.
    pub(crate) fn policy_field(&self, field: PolicyField) -> &'static str {
        match field {
            PolicyField::MaxDaysPerStay => self.max_days_per_stay,
            PolicyField::StaysPerYear => self.stays_per_year,
            PolicyField::MinNoticeDays => self.min_notice_days,
            PolicyField::HorizonDays => self.horizon_days,
            PolicyField::AnswerWindowDays => self.answer_window_days,
            PolicyField::OfferHoldHours => self.offer_hold_hours,
            PolicyField::GuaranteedDays | PolicyField::ReciprocityGraceDays => field.as_str(),
        }
    }

    /// One breach of a policy floor, in plain words.
    pub(crate) fn breach(&self, breach: &PolicyBreach) -> String {
        let field = self.policy_field(breach.field);
        match (self.polish(), breach.limit) {
            (false, Limit::AtLeast(n)) => format!("{field}: at least {n} (you gave {})", breach.given),
            (false, Limit::AtMost(n)) => format!("{field}: at most {n} (you gave {})", breach.given),
            (true, Limit::AtLeast(n)) => format!("{field}: co najmniej {n} (podano {})", breach.given),
            (true, Limit::AtMost(n)) => format!("{field}: najwyżej {n} (podano {})", breach.given),
        }
    }

    /// One broken rule of a stay request, in plain words for the member.
    /// One arm per rule yields both languages, so neither can miss one.
    pub(crate) fn violation(&self, violation: &Violation) -> String {
        let (en, pl) = (&EN, &PL);
        let (english, polish) = match violation {
            Violation::MemberInactive { .. }
            | Violation::OwnCluster
            | Violation::HomeClusterInactive { .. }
            | Violation::HostClusterInactive { .. }
            | Violation::HomeNotReciprocating { .. } => eligibility_texts(violation),
            Violation::BadRange => (
                "The last day is before the first day.".to_owned(),
                "Ostatni dzień jest wcześniejszy niż pierwszy.".to_owned(),
            ),
            Violation::NoOpenDays => (
                "The site is closed on every day of these dates.".to_owned(),
                "Miejsce jest zamknięte we wszystkie dni tego terminu.".to_owned(),
            ),
            Violation::TooLong { days, max } => (
                format!(
                    "The stay has {} open, and the host allows at most {}.",
                    en.day_count(*days),
                    en.day_count(u64::from(*max))
                ),
                format!(
                    "Pobyt obejmuje {} otwarcia, a gospodarz pozwala na najwyżej {}.",
                    pl.day_count(*days),
                    pl.day_count(u64::from(*max))
                ),
            ),
            Violation::TooSoon { earliest_start } => (
                format!("Too short notice: the stay can start on {} at the earliest.", en.date(*earliest_start)),
                format!("Za krótkie wyprzedzenie: pobyt może zacząć się najwcześniej {}.", pl.date(*earliest_start)),
            ),
            Violation::TooFar { latest_start } => (
                format!("Too far ahead: the stay can start on {} at the latest.", en.date(*latest_start)),
                format!("Za daleko w przyszłości: pobyt może zacząć się najpóźniej {}.", pl.date(*latest_start)),
            ),
            Violation::OverlapsOwnStay { .. } => (
                "You already have a pending or approved stay on some of these days.".to_owned(),
                "Masz już oczekujący lub zatwierdzony pobyt w niektóre z tych dni.".to_owned(),
            ),
            Violation::QuotaExceeded { max, window } => (
                format!(
                    "The host allows at most {max} stays per member in 365 days, and you already have that many in {}.",
                    en.range(window.start(), window.end())
                ),
                format!(
                    "Gospodarz pozwala na najwyżej {} na członka w ciągu 365 dni, a w okresie {} masz ich już tyle.",
                    pl.counted(
                        u64::from(*max),
                        &Counted { en: ["{n} stay", "{n} stays"], pl: ["{n} pobyt", "{n} pobyty", "{n} pobytów"] }
                    ),
                    pl.range(window.start(), window.end())
                ),
            ),
            Violation::NoCapacity { full_dates } => {
                let list = |w: &Words| full_dates.iter().map(|d| w.date(*d)).collect::<Vec<_>>().join("; ");
                (format!("No desk is free on {}.", list(en)), format!("Brak wolnych biurek w dni: {}.", list(pl)))
            }
        };
        if self.polish() { polish } else { english }
    }
}

/// The eligibility rules of [`Words::violation`] in English and Polish.
fn eligibility_texts(violation: &Violation) -> (String, String) {
    let (en, pl) = (&EN, &PL);
    match violation {
        Violation::MemberInactive { reason: InactiveReason::Revoked } => (
            "Your home cluster has withdrawn your membership, so you cannot request stays.".to_owned(),
            "Twój klaster cofnął Twoje członkostwo, więc nie możesz prosić o pobyty.".to_owned(),
        ),
        Violation::MemberInactive { reason: InactiveReason::NotVouchedUntilEnd { vouched_until } } => (
            format!("Your home cluster vouches for you until {}; the stay must end by then.", en.date(*vouched_until)),
            format!(
                "Twój klaster poręcza za Ciebie tylko do {}; pobyt musi skończyć się do tego dnia.",
                pl.date(*vouched_until)
            ),
        ),
        Violation::OwnCluster => (
            "This site belongs to your own cluster; the scheme is for visits to the other clusters.".to_owned(),
            "To miejsce należy do Twojego klastra; program służy wizytom w innych klastrach.".to_owned(),
        ),
        Violation::HomeClusterInactive { .. } => (
            "Your home cluster is not active in the network just now, so its members cannot request stays.".to_owned(),
            "Twój klaster nie jest obecnie aktywny w sieci, więc jego członkowie nie mogą prosić o pobyty.".to_owned(),
        ),
        Violation::HostClusterInactive { .. } => (
            "This cluster is not taking visitors just now: it is not active in the network.".to_owned(),
            "Ten klaster nie przyjmuje obecnie gości: nie jest aktywny w sieci.".to_owned(),
        ),
        Violation::HomeNotReciprocating { lapse } => (
            format!(
                "Your home cluster has stopped hosting ({}), so its members cannot visit others. \
                 Reciprocity works both ways.",
                en.lapse(lapse)
            ),
            format!(
                "Twój klaster przestał przyjmować gości ({}), więc jego członkowie nie mogą odwiedzać innych. \
                 Wzajemność działa w obie strony.",
                pl.lapse(lapse)
            ),
        ),
        // Only the rules above are sent here; any other is told as the rules word it.
        other => (other.to_string(), other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;

    #[test]
    fn dates_read_naturally_in_both_languages() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default();
        assert_eq!(EN.date(d), "Monday, 4 January 2027");
        assert_eq!(PL.date(d), "poniedziałek, 4 stycznia 2027");
        assert_eq!(PL.month(d), "styczeń 2027");
        assert_eq!(EN.weekday(d.weekday()), ("Mon", "Monday"));
    }

    #[test]
    fn a_refusal_is_told_in_the_members_language() {
        let v = Violation::TooSoon { earliest_start: NaiveDate::from_ymd_opt(2027, 3, 2).unwrap_or_default() };
        assert_eq!(
            PL.violation(&v),
            "Za krótkie wyprzedzenie: pobyt może zacząć się najwcześniej wtorek, 2 marca 2027."
        );
        assert_eq!(EN.violation(&v), "Too short notice: the stay can start on Tuesday, 2 March 2027 at the earliest.");
    }
}
