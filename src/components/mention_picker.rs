//! Teammates offered while a note's `@name` is typed (in a
//! [`super::picker::Picker`]), inserted as the handle the server reads
//! (`@asha`, or the whole name when two share a first name).

use handover_core::api::TeamMember;
use handover_core::AgentId;

/// The name being typed after `@` at the end of `text`, if a mention is
/// being typed there (an `@` at the start or after a space).
pub fn typed_mention(text: &str) -> Option<&str> {
    let at = text.rfind('@')?;
    let before = text[..at].chars().next_back();
    let name = &text[at + 1..];
    let starts_word = before.is_none_or(char::is_whitespace);
    (starts_word && !name.contains(char::is_whitespace)).then_some(name)
}

/// The teammates whose name (any of its words) or e-mail starts with
/// `typed`: enabled, not `me`, at most six.
pub fn offered(team: &[TeamMember], typed: &str, me: AgentId) -> Vec<TeamMember> {
    let typed = typed.to_lowercase();
    team.iter()
        .filter(|member| !member.agent.disabled && member.agent.id != me)
        .filter(|member| {
            let name = member.agent.name.to_lowercase();
            name.split_whitespace().any(|word| word.starts_with(&typed))
                || member.agent.email.to_lowercase().starts_with(&typed)
        })
        .take(6)
        .cloned()
        .collect()
}

/// The handle that names `member` among `team`: their first name, or their
/// whole name without spaces when someone else shares it.
pub fn handle(member: &TeamMember, team: &[TeamMember]) -> String {
    let first = |name: &str| {
        name.split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase()
    };
    let mine = first(&member.agent.name);
    let shared = team
        .iter()
        .filter(|other| other.agent.id != member.agent.id)
        .any(|other| first(&other.agent.name) == mine);
    if shared {
        member
            .agent
            .name
            .split_whitespace()
            .collect::<String>()
            .to_lowercase()
    } else {
        mine
    }
}

/// `text` with the mention being typed at its end replaced by `handle`.
pub fn complete(text: &str, handle: &str) -> String {
    match text.rfind('@') {
        Some(at) => format!("{}@{handle} ", &text[..at]),
        None => format!("{text}@{handle} "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handover_core::api::Agent;
    use handover_core::Role;

    fn member(id: i64, name: &str) -> TeamMember {
        TeamMember {
            agent: Agent {
                id: AgentId(id),
                email: format!("{}@shop.example", name.to_lowercase().replace(' ', ".")),
                name: name.into(),
                role: Role::Agent,
                disabled: false,
            },
            online: false,
        }
    }

    #[test]
    fn a_mention_is_typed_after_an_at_that_starts_a_word() {
        assert_eq!(typed_mention("@"), Some(""));
        assert_eq!(typed_mention("ask @as"), Some("as"));
        assert_eq!(typed_mention("ask @asha now"), None);
        assert_eq!(typed_mention("mail meera@shop"), None);
        assert_eq!(typed_mention("no mention"), None);
    }

    #[test]
    fn teammates_are_offered_by_any_word_and_named_so_the_server_finds_them() {
        let team = [
            member(1, "Meera Nair"),
            member(2, "Asha Rao"),
            member(3, "Asha Menon"),
            member(4, "Ravi Kumar"),
        ];
        let names = |typed: &str| -> Vec<String> {
            offered(&team, typed, AgentId(1))
                .into_iter()
                .map(|m| m.agent.name)
                .collect()
        };
        assert_eq!(names("as"), ["Asha Rao", "Asha Menon"]);
        assert_eq!(names("ku"), ["Ravi Kumar"]);
        assert!(names("mee").is_empty(), "not oneself");
        assert_eq!(handle(&team[3], &team), "ravi");
        assert_eq!(handle(&team[1], &team), "asharao", "two Ashas");
        assert_eq!(complete("ask @ra", "ravi"), "ask @ravi ");
        for member in &team[1..] {
            let name = handle(member, &team);
            assert!(handover_core::notes::names_person(
                &name,
                &member.agent.name,
                &member.agent.email
            ));
        }
    }
}
