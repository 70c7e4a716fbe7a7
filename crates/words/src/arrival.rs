//! The arrival pack written out for people, in each language: the site
//! page, the stay page and the approval and reminder emails all show these
//! same lines.

use deskvisa_rules::{Amenity, ArrivalPack, Locale, OpeningHours};

use crate::dates::weekday;

/// An amenity's name.
pub fn amenity_name(locale: Locale, amenity: Amenity) -> &'static str {
    let (en, pl) = match amenity {
        Amenity::PhoneBooths => ("phone booths", "budki telefoniczne"),
        Amenity::MeetingRoom => ("meeting room", "sala spotkań"),
        Amenity::Kitchen => ("kitchen", "kuchnia"),
        Amenity::Coffee => ("coffee and tea", "kawa i herbata"),
        Amenity::Showers => ("showers", "prysznice"),
        Amenity::BikeParking => ("bike parking", "parking rowerowy"),
        Amenity::CarParking => ("car parking", "parking samochodowy"),
        Amenity::StepFreeAccess => ("step-free access", "wejście bez schodów"),
        Amenity::AccessibleToilet => ("accessible toilet", "toaleta dostępna"),
        Amenity::Lockers => ("lockers", "szafki"),
        Amenity::Printer => ("printer", "drukarka"),
        Amenity::QuietZone => ("quiet zone", "strefa ciszy"),
    };
    match locale {
        Locale::En => en,
        Locale::Pl => pl,
    }
}

/// "Mon–Fri 08:00–18:00 · Sat 10:00–14:00"; empty when no day has hours.
pub fn opening_hours(locale: Locale, hours: &OpeningHours) -> String {
    hours
        .runs()
        .into_iter()
        .map(|(first, last, h)| {
            let days = if first == last {
                weekday(locale, first).0.to_owned()
            } else {
                format!("{}–{}", weekday(locale, first).0, weekday(locale, last).0)
            };
            format!("{days} {}", h.text())
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The pack's parts the host wrote, each with its label, in the order a
/// visitor needs them.
pub fn arrival_lines(locale: Locale, pack: &ArrivalPack) -> Vec<(&'static str, String)> {
    let label = |en: &'static str, pl: &'static str| if locale == Locale::Pl { pl } else { en };
    let mut lines = Vec::new();
    let hours = opening_hours(locale, &pack.hours);
    if !hours.is_empty() {
        lines.push((label("Opening hours", "Godziny otwarcia"), hours));
    }
    if !pack.access.is_empty() {
        lines.push((label("Getting in", "Jak wejść"), pack.access.clone()));
    }
    let phone = pack.contact_phone.as_ref().map(|p| p.as_str().to_owned());
    let contact = match (pack.contact_name.is_empty(), phone) {
        (false, Some(phone)) => Some(format!("{}, {phone}", pack.contact_name)),
        (false, None) => Some(pack.contact_name.clone()),
        (true, Some(phone)) => Some(phone),
        (true, None) => None,
    };
    if let Some(contact) = contact {
        lines.push((label("On-site contact", "Kontakt na miejscu"), contact));
    }
    if !pack.wifi.is_empty() {
        lines.push(("Wi-Fi", pack.wifi.clone()));
    }
    if !pack.transport.is_empty() {
        lines.push((label("Public transport", "Komunikacja miejska"), pack.transport.clone()));
    }
    if !pack.accessibility.is_empty() {
        lines.push((label("Accessibility", "Dostępność"), pack.accessibility.clone()));
    }
    if !pack.amenities.is_empty() {
        let names: Vec<&str> = pack.amenities.iter().map(|a| amenity_name(locale, *a)).collect();
        lines.push((label("Amenities", "Udogodnienia"), names.join(", ")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use deskvisa_rules::{Phone, parse_hours};

    #[test]
    fn a_pack_reads_in_both_languages() {
        let day = parse_hours("08:00-18:00").unwrap();
        let pack = ArrivalPack {
            hours: OpeningHours([day, day, day, day, day, None, None]),
            access: "Side door, ring Reception".into(),
            contact_name: "Mette".into(),
            contact_phone: Phone::parse("+45 33 12 34 56").unwrap(),
            amenities: vec![Amenity::Kitchen, Amenity::StepFreeAccess],
            ..ArrivalPack::default()
        };
        let en = arrival_lines(Locale::En, &pack);
        assert_eq!(en[0], ("Opening hours", "Mon–Fri 08:00–18:00".to_owned()));
        assert_eq!(en[2], ("On-site contact", "Mette, +45 33 12 34 56".to_owned()));
        assert_eq!(en[3], ("Amenities", "kitchen, step-free access".to_owned()));
        let pl = arrival_lines(Locale::Pl, &pack);
        assert_eq!(pl[0], ("Godziny otwarcia", "pon.–pt. 08:00–18:00".to_owned()));
        assert!(arrival_lines(Locale::En, &ArrivalPack::default()).is_empty());
    }
}
