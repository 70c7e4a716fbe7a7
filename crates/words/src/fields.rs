//! The names of the network's fields of ICT work ([`FieldTag`]) in each
//! language, as the firm directory, a firm's page and the introduction
//! emails show them.

use deskvisa_rules::{FieldTag, Locale};

/// What a field is called in `locale`.
pub fn field_name(locale: Locale, tag: FieldTag) -> &'static str {
    let (en, pl) = names(tag);
    match locale {
        Locale::En => en,
        Locale::Pl => pl,
    }
}

/// A field's name in English and in Polish.
const fn names(tag: FieldTag) -> (&'static str, &'static str) {
    match tag {
        FieldTag::SoftwareDevelopment => ("Software development", "Tworzenie oprogramowania"),
        FieldTag::WebDevelopment => ("Web development", "Aplikacje i strony internetowe"),
        FieldTag::MobileApps => ("Mobile apps", "Aplikacje mobilne"),
        FieldTag::Cloud => ("Cloud", "Chmura"),
        FieldTag::Devops => ("DevOps", "DevOps"),
        FieldTag::Cybersecurity => ("Cybersecurity", "Cyberbezpieczeństwo"),
        FieldTag::DataAnalytics => ("Data and analytics", "Dane i analityka"),
        FieldTag::ArtificialIntelligence => ("Artificial intelligence", "Sztuczna inteligencja"),
        FieldTag::Iot => ("Internet of things", "Internet rzeczy"),
        FieldTag::EmbeddedSystems => ("Embedded systems", "Systemy wbudowane"),
        FieldTag::BusinessSystems => ("ERP and CRM", "Systemy ERP i CRM"),
        FieldTag::Ecommerce => ("E-commerce", "Handel elektroniczny"),
        FieldTag::Fintech => ("Fintech", "Fintech"),
        FieldTag::Healthtech => ("Health technology", "Technologie medyczne"),
        FieldTag::Edtech => ("Education technology", "Technologie edukacyjne"),
        FieldTag::Games => ("Games", "Gry"),
        FieldTag::UxDesign => ("UX and design", "UX i projektowanie"),
        FieldTag::ItConsulting => ("IT consulting", "Doradztwo IT"),
        FieldTag::Outsourcing => ("IT outsourcing", "Outsourcing IT"),
        FieldTag::Telecom => ("Networks and telecom", "Sieci i telekomunikacja"),
        FieldTag::Hardware => ("Hardware and electronics", "Sprzęt i elektronika"),
        FieldTag::Automation => ("Automation and robotics", "Automatyka i robotyka"),
        FieldTag::Geospatial => ("Maps and GIS", "Mapy i GIS"),
        FieldTag::DigitalMarketing => ("Digital marketing", "Marketing cyfrowy"),
        FieldTag::Training => ("IT training", "Szkolenia IT"),
        FieldTag::Investment => ("Investment", "Inwestycje"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_name_of_its_own_in_each_language() {
        for locale in [Locale::En, Locale::Pl] {
            let names: std::collections::BTreeSet<&str> =
                FieldTag::ALL.iter().map(|t| field_name(locale, *t)).collect();
            assert_eq!(names.len(), FieldTag::ALL.len(), "{locale:?}: two fields share a name");
        }
        assert_eq!(field_name(Locale::Pl, FieldTag::Cybersecurity), "Cyberbezpieczeństwo");
    }
}
