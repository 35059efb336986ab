package park

import (
	"regexp"
	"strconv"
	"time"
)

// Partner types. A partner of type own entries registers its cars'
// entries itself and may look up only the stays that entered through it,
// by ticket, also after they left; it pays nothing through parkd.
const (
	PartnerNormal     = "normal"
	PartnerOwnEntries = "own_entries"
)

// Partner is an outside system (payment app, mall, toll-tag operator) that
// looks up and pays stays in the lots it may use.
type Partner struct {
	ID        string
	Name      string
	Dialect   string // the API it speaks, one of those app registers
	Type      string
	Secret    string // shared secret for dialects that sign requests; "" if unused
	SignMode  string // how the dialect signs, e.g. "md5"; "" if unused
	Lots      []string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

var partnerIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// MaxPartnerLots bounds how many lots one partner may use.
const MaxPartnerLots = 1000

// Validate checks a partner's fields and names the first that is wrong.
func (p *Partner) Validate() error {
	switch {
	case p.ID == "":
		return Invalid("id", "is required: 1-64 letters, digits, '_' or '-'").Because(ReasonRequired)
	case !partnerIDRE.MatchString(p.ID):
		return Invalid("id", "must be 1-64 letters, digits, '_' or '-'").Because(ReasonFormat)
	case p.Name == "":
		return Invalid("name", "is required (1-200 bytes)").Because(ReasonRequired)
	case len(p.Name) > 200:
		return Invalid("name", "must be 1-200 bytes, not %d", len(p.Name)).Because(ReasonLength, "1", "200")
	case p.Dialect == "" || len(p.Dialect) > 32:
		return RequiredLen("dialect", p.Dialect, 32, "")
	case p.Type != PartnerNormal && p.Type != PartnerOwnEntries:
		return Invalid("type", "must be %q or %q", PartnerNormal, PartnerOwnEntries).Because(ReasonUnknown)
	case len(p.Secret) > MaxSecretLen:
		// The least a dialect that signs takes is CheckSecretLen's.
		return Invalid("secret", "must be at most %d bytes", MaxSecretLen).Because(ReasonLength, strconv.Itoa(MinSecretLen), strconv.Itoa(MaxSecretLen))
	case len(p.SignMode) > 32:
		// Optional: "" is the dialect's default mode.
		return Invalid("sign_mode", "must be at most 32 bytes").Because(ReasonLength, "0", "32")
	case !ValidText(p.Name):
		return CheckText("name", p.Name)
	case !ValidText(p.Secret):
		return CheckText("secret", p.Secret)
	case !ValidText(p.SignMode):
		return CheckText("sign_mode", p.SignMode)
	case len(p.Lots) == 0:
		return Invalid("lots", "must name at least one lot the partner may use").Because(ReasonRequired)
	case len(p.Lots) > MaxPartnerLots:
		return Invalid("lots", "must name at most %d lots", MaxPartnerLots).Because(ReasonRange, "1", strconv.Itoa(MaxPartnerLots))
	}
	seen := map[string]bool{}
	for _, l := range p.Lots {
		if !lotCodeRE.MatchString(l) {
			return Invalid("lots", "%q is not a lot code", l).Because(ReasonFormat)
		}
		if seen[l] {
			return Invalid("lots", "%q is listed twice", l).Because(ReasonDuplicate)
		}
		seen[l] = true
	}
	return nil
}

// MayUse reports whether the partner may use a lot.
func (p *Partner) MayUse(lot string) bool {
	for _, l := range p.Lots {
		if l == lot {
			return true
		}
	}
	return false
}

// Integrator is a person or system that signs in to a dialect with a
// username and password and acts for the partners it holds.
type Integrator struct {
	Username       string
	PasswordHash   string // bcrypt
	Partners       []string
	DefaultPartner string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int64
}

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9_.@-]{1,64}$`)

// MaxIntegratorPartners bounds how many partners one integrator acts for.
const MaxIntegratorPartners = 100

// CheckUsername refuses an integrator's username that is missing or not
// in its form (EInvalid naming username): the first of an integrator's
// fields, checked before its password, which is not kept as given.
func CheckUsername(name string) error {
	switch {
	case name == "":
		return Invalid("username", "is required: 1-64 letters, digits, '_', '.', '@' or '-'").Because(ReasonRequired)
	case !usernameRE.MatchString(name):
		return Invalid("username", "must be 1-64 letters, digits, '_', '.', '@' or '-'").Because(ReasonFormat)
	}
	return nil
}

// Validate checks an integrator's fields (not the password, which the
// service hashes before it gets here).
func (u *Integrator) Validate() error {
	if err := CheckUsername(u.Username); err != nil {
		return err
	}
	switch {
	case len(u.Partners) == 0:
		return Invalid("partners", "must name at least one partner").Because(ReasonRequired)
	case len(u.Partners) > MaxIntegratorPartners:
		return Invalid("partners", "must name at most %d partners", MaxIntegratorPartners).
			Because(ReasonRange, "1", strconv.Itoa(MaxIntegratorPartners))
	}
	seen := map[string]bool{}
	for _, p := range u.Partners {
		if !partnerIDRE.MatchString(p) {
			return Invalid("partners", "%q is not a partner id", p).Because(ReasonFormat)
		}
		if seen[p] {
			return Invalid("partners", "%q is listed twice", p).Because(ReasonDuplicate)
		}
		seen[p] = true
	}
	switch {
	case u.DefaultPartner == "":
		// Only an integrator of one partner has its default chosen for it.
		return Invalid("default_partner", "must be one of the integrator's partners").Because(ReasonRequired)
	case !seen[u.DefaultPartner]:
		return Invalid("default_partner", "must be one of the integrator's partners").Because(ReasonUnknown)
	}
	return nil
}

// Holds reports whether the integrator acts for a partner.
func (u *Integrator) Holds(partnerID string) bool {
	for _, p := range u.Partners {
		if p == partnerID {
			return true
		}
	}
	return false
}

// APIToken is a bearer token issued to an integrator. Only the SHA-256 of
// the token is kept, so a copy of the database cannot be used to sign in.
type APIToken struct {
	Hash      string // hex SHA-256 of the token
	Username  string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

// DefaultTokenTTL is how long a dialect token lives.
const DefaultTokenTTL = 24 * time.Hour
