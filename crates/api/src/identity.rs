//! Who acts (docs/ARCHITECTURE.md, "Who acts"). A front end only *asks*: the store decides.
//!
//! - In a team, the signed roster's entry for this device names the user and the role.
//! - Outside a team (or before the lead has put this device on the roster), the store belongs to
//!   the person who created it, with the role chosen at set-up; changing that role takes the
//!   passphrase and is audited ([`Session::change_role`]).
//! - A demo store (synthetic people only) may be explored in any role.
//!
//! A front end may ask to act with fewer rights than granted (a team lead checking what a
//! caseworker sees), never with more, and never as another person.

use indsats_core::model::{Code, Role};
use indsats_store::Store;
use indsats_sync::membership::Membership;

use crate::error::{ApiError, Result};
use crate::session::{Session, User};

/// Where the granted identity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The team's signed roster, for this device.
    Roster,
    /// The store's owner, set when it was created.
    Owner,
    /// A store of synthetic data: any role may explore it.
    Demo,
}

/// What the store grants the person at this computer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user: String,
    pub role: Role,
    pub source: Source,
}

/// Which role a front end asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AskRole {
    /// The granted role.
    #[default]
    Granted,
    /// This role; refused if it has more rights than granted (the CLI's `--role`).
    Exactly(Role),
    /// This role, or the granted one where that has fewer rights (a preference kept in the
    /// desktop's settings, which may be older than the roster).
    AtMost(Role),
}

/// What a front end asks to act as.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ask {
    /// The person; `None` is the granted one.
    pub user: Option<String>,
    pub role: AskRole,
}

impl Ask {
    pub fn role(role: Role) -> Ask {
        Ask { user: None, role: AskRole::Exactly(role) }
    }
}

impl From<User> for Ask {
    fn from(u: User) -> Ask {
        Ask { user: Some(u.name), role: AskRole::Exactly(u.role) }
    }
}

impl From<&User> for Ask {
    fn from(u: &User) -> Ask {
        Ask::from(u.clone())
    }
}

/// What `store` grants: the roster's entry for this device in a team, else the owner. `None`
/// for a store made before owners were recorded.
pub(crate) fn granted(store: &Store) -> Result<Option<Identity>> {
    let owner = store.owner()?;
    if let Some(o) = &owner
        && o.demo
    {
        return Ok(Some(Identity { user: o.user.clone(), role: role_code(&o.role)?, source: Source::Demo }));
    }
    if let Some(m) = Membership::load(store)?
        && let Some(d) = m.roster.device(store.device())
    {
        return Ok(Some(Identity { user: d.user.clone(), role: d.role, source: Source::Roster }));
    }
    owner.map(|o| Ok(Identity { user: o.user, role: role_code(&o.role)?, source: Source::Owner })).transpose()
}

fn role_code(code: &str) -> Result<Role> {
    Ok(Role::parse(code)?)
}

/// The user a session acts as: what `ask` asks for, within what `granted` allows.
pub(crate) fn grant(granted: &Identity, ask: &Ask) -> Result<User> {
    let demo = granted.source == Source::Demo;
    let user = match ask.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) if demo || u == granted.user => u.to_string(),
        Some(u) => return Err(ApiError::NotThisUser { asked: u.to_string(), granted: granted.user.clone(), by: granted.source }),
        None => granted.user.clone(),
    };
    let role = match ask.role {
        AskRole::Granted => granted.role,
        AskRole::Exactly(r) if demo || granted.role.includes(r) => r,
        AskRole::Exactly(r) => return Err(ApiError::RoleNotGranted { asked: r, granted: granted.role, by: granted.source }),
        AskRole::AtMost(r) if demo => r,
        AskRole::AtMost(r) => r.min(granted.role),
    };
    Ok(User::new(&user, role)?)
}

impl Session {
    /// What the store grants the person at this computer (the roster's entry in a team, else the
    /// store's owner).
    pub fn identity(&self) -> &Identity {
        &self.granted
    }

    /// The roles this person may ask to act with: those the granted role includes (any in a
    /// demo store).
    pub fn roles_to_ask(&self) -> Vec<Role> {
        Role::ALL.iter().copied().filter(|r| self.granted.source == Source::Demo || self.granted.role.includes(*r)).collect()
    }

    /// What acting as `ask` would be, or why it is refused: for a front end that checks a
    /// choice before it locks and unlocks with it.
    pub fn may_act_as(&self, ask: &Ask) -> Result<User> {
        grant(&self.granted, ask)
    }

    /// Reads the granted identity again (after a sync took a newer roster) and keeps acting
    /// within it: a role the roster took away is gone at once.
    pub fn refresh_identity(&mut self) -> Result<()> {
        let Some(granted) = granted(&self.store)? else { return Ok(()) };
        if granted != self.granted {
            let ask = Ask { user: None, role: AskRole::AtMost(self.user.role) };
            self.user = grant(&granted, &ask)?;
            self.granted = granted;
        }
        Ok(())
    }

    /// Changes the role of the store's owner (outside a team): it takes the passphrase, and is
    /// audited. In a team the roster decides ([`ApiError::RoleFromRoster`]).
    pub fn change_role(&mut self, passphrase: &str, role: Role) -> Result<()> {
        if self.granted.source == Source::Roster || Membership::load(&self.store)?.is_some() {
            return Err(ApiError::RoleFromRoster);
        }
        // The passphrase proves it is the owner at the keyboard, not whoever found it unlocked.
        Store::check_passphrase_of(self.store.dir(), passphrase)?;
        let (user, old, demo) = (self.granted.user.clone(), self.granted.role, self.granted.source == Source::Demo);
        let detail = format!("{} -> {}", old.code(), role.code());
        self.audited("store.role_change", None, "sikkerhed", detail, |tx| tx.set_owner(&user, role.code(), demo))?;
        self.granted.role = role;
        self.user = User::new(&user, role)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(role: Role, source: Source) -> Identity {
        Identity { user: "Anna Holm".into(), role, source }
    }

    #[test]
    fn a_front_end_may_ask_for_fewer_rights_never_more() {
        let lead = id(Role::TeamLead, Source::Roster);
        let cw = grant(&lead, &Ask::role(Role::Caseworker)).unwrap();
        assert_eq!(cw.role, Role::Caseworker);
        assert_eq!(grant(&lead, &Ask::default()).unwrap().role, Role::TeamLead);
        let err = grant(&lead, &Ask::role(Role::Admin)).unwrap_err();
        assert!(matches!(err, ApiError::RoleNotGranted { asked: Role::Admin, granted: Role::TeamLead, .. }));
        let caseworker = id(Role::Caseworker, Source::Owner);
        assert!(grant(&caseworker, &Ask::role(Role::TeamLead)).is_err());
        // A preference older than the roster is held to it.
        assert_eq!(grant(&caseworker, &Ask { user: None, role: AskRole::AtMost(Role::Admin) }).unwrap().role, Role::Caseworker);
        // An admin has a team lead's rights.
        assert_eq!(grant(&id(Role::Admin, Source::Owner), &Ask::role(Role::TeamLead)).unwrap().role, Role::TeamLead);
    }

    #[test]
    fn nobody_acts_as_another_person_except_in_a_demo() {
        let me = id(Role::TeamLead, Source::Roster);
        let ask = Ask { user: Some("Bo Berg".into()), role: AskRole::Granted };
        assert!(matches!(grant(&me, &ask), Err(ApiError::NotThisUser { .. })));
        assert_eq!(grant(&me, &Ask { user: Some(" Anna Holm ".into()), role: AskRole::Granted }).unwrap().name, "Anna Holm");
        let demo = id(Role::Admin, Source::Demo);
        let any = grant(&demo, &Ask { user: Some("Bo Berg".into()), role: AskRole::Exactly(Role::Caseworker) }).unwrap();
        assert_eq!((any.name.as_str(), any.role), ("Bo Berg", Role::Caseworker));
    }
}
