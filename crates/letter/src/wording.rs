//! What the letter says, in English and in Polish. Polish sentences name
//! "the visiting person" rather than the visitor, so they need no
//! grammatical gender the letter cannot know.

use deskvisa_rules::Locale;
use deskvisa_words::{date_range, day_month_year};

use crate::Letter;

/// One page's words.
pub(crate) struct Wording<'a> {
    locale: Locale,
    letter: &'a Letter,
}

impl<'a> Wording<'a> {
    pub(crate) fn new(locale: Locale, letter: &'a Letter) -> Self {
        Wording { locale, letter }
    }

    fn pick<'t>(&self, en: &'t str, pl: &'t str) -> &'t str {
        match self.locale {
            Locale::En => en,
            Locale::Pl => pl,
        }
    }

    pub(crate) fn place_and_date(&self) -> String {
        format!("{}, {}", self.letter.host_city, day_month_year(self.locale, self.letter.issued_on))
    }

    pub(crate) fn title(&self) -> &'static str {
        self.pick("Letter of invitation", "List zapraszający")
    }

    pub(crate) fn salutation(&self) -> &'static str {
        self.pick("To whom it may concern,", "Szanowni Państwo,")
    }

    fn dates(&self) -> String {
        date_range(self.locale, self.letter.start, self.letter.end)
    }

    pub(crate) fn opening(&self) -> String {
        let l = self.letter;
        match self.locale {
            Locale::En => format!(
                "{} is pleased to invite the person named below to visit us from {} to {}.",
                l.host_cluster,
                day_month_year(Locale::En, l.start),
                day_month_year(Locale::En, l.end)
            ),
            Locale::Pl => format!(
                "{} ma przyjemność zaprosić osobę wskazaną poniżej do odwiedzenia nas w dniach od {} do {}.",
                l.host_cluster,
                day_month_year(Locale::Pl, l.start),
                day_month_year(Locale::Pl, l.end)
            ),
        }
    }

    /// The letter's facts, label and value, in the order a reader checks them.
    pub(crate) fn facts(&self) -> Vec<(String, String)> {
        let l = self.letter;
        let days = (l.end - l.start).num_days() + 1;
        let span = match self.locale {
            Locale::En => format!("{} ({} {})", self.dates(), days, if days == 1 { "day" } else { "days" }),
            Locale::Pl => format!("{} (liczba dni: {})", self.dates(), days),
        };
        let mut facts = vec![(
            self.pick("Visitor (as in passport)", "Osoba odwiedzająca (jak w paszporcie)"),
            l.passport_name.clone(),
        )];
        if let Some(firm) = &l.visitor_firm {
            facts.push((self.pick("Firm", "Firma"), firm.clone()));
        }
        facts.extend([
            (self.pick("Home cluster", "Klaster macierzysty"), l.home_cluster.clone()),
            (self.pick("Dates of the visit", "Termin wizyty"), span),
            (self.pick("Place", "Miejsce"), format!("{}, {}", l.site_name, l.site_address)),
            (self.pick("Purpose", "Cel wizyty"), l.purpose.clone()),
            (self.pick("Host's contact", "Kontakt u gospodarza"), l.host_contact.clone()),
        ]);
        facts.into_iter().map(|(label, value)| (label.to_string(), value)).collect()
    }

    pub(crate) fn body(&self) -> Vec<String> {
        let l = self.letter;
        match self.locale {
            Locale::En => vec![
                "During the visit the visitor will work at a desk at our site and may take part in our members' business meetings and events, to get to know our member firms.".to_string(),
                "The desk is given free of charge under the reciprocity agreement between the ICT business clusters of the deskvisa network. The visit involves no employment by the host and no payment to or from the host.".to_string(),
                format!("Please write to {} with any question about this visit.", l.host_contact),
            ],
            Locale::Pl => vec![
                "W czasie wizyty osoba odwiedzająca będzie pracować przy biurku w naszej siedzibie i może uczestniczyć w spotkaniach biznesowych i wydarzeniach naszych członków, aby poznać nasze firmy członkowskie.".to_string(),
                "Biurko jest udostępniane bezpłatnie na podstawie porozumienia o wzajemności między klastrami ICT sieci deskvisa. Wizyta nie wiąże się z zatrudnieniem przez gospodarza ani z żadnymi płatnościami na rzecz gospodarza lub od niego.".to_string(),
                format!("W razie pytań dotyczących wizyty prosimy o kontakt: {}.", l.host_contact),
            ],
        }
    }

    pub(crate) fn closing(&self) -> &'static str {
        self.pick("Yours faithfully,", "Z poważaniem,")
    }

    pub(crate) fn on_behalf(&self) -> String {
        format!("{} {}", self.pick("on behalf of", "w imieniu"), self.letter.host_cluster)
    }

    pub(crate) fn verify(&self) -> String {
        self.pick(
            "Check that this letter is genuine and still valid: scan the code or open",
            "Autentyczność i ważność listu można sprawdzić, skanując kod lub otwierając adres",
        )
        .to_string()
    }

    pub(crate) fn code_label(&self) -> &'static str {
        self.pick("Verification code:", "Kod weryfikacyjny:")
    }
}
