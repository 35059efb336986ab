// Package operators is the console's people: operator accounts and their
// roles, password sign-in, sessions kept in the database, and the audit
// log of every change an operator makes. The console's pages
// (internal/web) and the native API's /v1/users call it; the rules of
// who may do what live here and in park.Operator.
package operators

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/partners"
)

// Password lengths: long enough that guessing at a limited rate is
// hopeless, short enough that hashing one is bounded.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

// DefaultSessionTTL is how long a console session lives after sign-in.
const DefaultSessionTTL = 12 * time.Hour

// APIActor is the actor the audit log names for changes made with the
// admin token.
const APIActor = "admin-token"

// Config wires a Service.
type Config struct {
	Store park.Store
	Now   park.Clock
	Log   *slog.Logger
	// SignIn limits password guessing (zero: partners' defaults).
	SignIn     partners.SignInLimits
	SessionTTL time.Duration // zero: DefaultSessionTTL
}

// Service manages operators and their sessions.
type Service struct {
	base  core.Base
	guard *partners.SignInGuard
	ttl   time.Duration
}

// New builds the service.
func New(c Config) *Service {
	s := &Service{base: core.NewBase(c.Store, c.Now, c.Log), ttl: c.SessionTTL}
	if s.ttl <= 0 {
		s.ttl = DefaultSessionTTL
	}
	s.guard = partners.NewSignInGuard(c.SignIn, s.base.Now)
	return s
}

// NewOperator is what creating an operator takes.
type NewOperator struct {
	Name     string    `json:"name"`
	Role     park.Role `json:"role"`
	Lots     []string  `json:"lots"`
	Language string    `json:"language"` // "": en
	Password string    `json:"password"`
}

// Check validates in without a store (EInvalid naming the field): what
// Add refuses before it reads anything.
func (in NewOperator) Check() error {
	if in.Language == "" {
		in.Language = "en"
	}
	o := park.Operator{Name: in.Name, Role: in.Role, Lots: in.Lots, Language: in.Language}
	if err := o.Validate(); err != nil {
		return err
	}
	return checkPasswordText(in.Password)
}

func checkPasswordText(p string) error {
	if n := utf8.RuneCountInString(p); n < MinPasswordLen || n > MaxPasswordLen {
		return park.Invalid("password", "must be %d to %d characters long", MinPasswordLen, MaxPasswordLen).Because(park.ReasonLength)
	}
	return park.CheckText("password", p)
}

// Add creates an operator (EInvalid naming the field, EConflict on field
// name when the name is taken, ENotFound when one of its lots does not exist), audited
// as actor's change.
func (s *Service) Add(ctx context.Context, actor string, in NewOperator) (*park.Operator, error) {
	if in.Language == "" {
		in.Language = "en"
	}
	now := s.base.Clock()
	o := &park.Operator{Name: in.Name, Role: in.Role, Lots: in.Lots, Language: in.Language, CreatedAt: now, UpdatedAt: now}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := checkPasswordText(in.Password); err != nil {
		return nil, err
	}
	o.PasswordHash = hashPassword(in.Password)
	err := s.base.Update(ctx, func(tx park.Tx) error {
		for _, l := range o.Lots {
			if _, err := tx.GetLotSettings(ctx, l); err != nil {
				return err
			}
		}
		if err := tx.CreateOperator(ctx, o); err != nil {
			if park.IsCode(err, park.EConflict) {
				// The name is an operator's only unique key: say which
				// input clashed, for any transport to word it.
				return &park.Error{Code: park.EConflict, Field: "name", Message: fmt.Sprintf("operator %q already exists", o.Name)}
			}
			return err
		}
		return s.base.Audit(ctx, tx, &park.AuditEntry{At: now, Actor: actor, Action: "user.create", Target: o.Name, After: core.Snapshot(o)})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Patch changes an operator; nil fields stay as they are.
type Patch struct {
	Role     *park.Role `json:"role"`
	Lots     *[]string  `json:"lots"`
	Language *string    `json:"language"`
	Password *string    `json:"password"`
	Disabled *bool      `json:"disabled"`
}

// Update applies p to the operator name (EInvalid, ENotFound), audited
// with the operator before and after; an actor cannot demote or disable
// themselves (EInvalid).
// A new password, a new role or lots, or disabling ends the operator's
// sessions: they were granted under the old terms.
func (s *Service) Update(ctx context.Context, actor, name string, p Patch) (*park.Operator, error) {
	if p.Password != nil {
		if err := checkPasswordText(*p.Password); err != nil {
			return nil, err
		}
	}
	var hash string
	if p.Password != nil {
		hash = hashPassword(*p.Password)
	}
	var o *park.Operator
	err := s.base.Update(ctx, func(tx park.Tx) error {
		var err error
		if o, err = tx.GetOperator(ctx, name); err != nil {
			return err
		}
		before, wasAdmin := core.Snapshot(o), o.Role == park.RoleAdmin
		endSessions := false
		if p.Role != nil && *p.Role != o.Role {
			o.Role, endSessions = *p.Role, true
			if o.Role != park.RoleLotOperator && p.Lots == nil {
				o.Lots = nil
			}
		}
		if p.Lots != nil && !slices.Equal(*p.Lots, o.Lots) {
			o.Lots, endSessions = *p.Lots, true
			for _, l := range o.Lots {
				if _, err := tx.GetLotSettings(ctx, l); err != nil {
					return err
				}
			}
		}
		if p.Language != nil {
			o.Language = *p.Language
		}
		if p.Disabled != nil {
			endSessions = endSessions || *p.Disabled && !o.Disabled
			o.Disabled = *p.Disabled
		}
		if hash != "" {
			o.PasswordHash, endSessions = hash, true
		}
		if err := o.Validate(); err != nil {
			return err
		}
		// An admin who demoted or disabled themselves could leave nobody
		// to undo it; another admin may.
		if actor == o.Name && wasAdmin && o.Role != park.RoleAdmin {
			return park.Invalid("role", "you cannot take away your own admin role; another admin can").Because(park.ReasonOwnAccount)
		}
		if actor == o.Name && o.Disabled {
			return park.Invalid("disabled", "you cannot disable yourself; another admin can").Because(park.ReasonOwnAccount)
		}
		now := s.base.Clock()
		o.UpdatedAt = now
		if err := tx.UpdateOperator(ctx, o); err != nil {
			return err
		}
		if endSessions {
			if _, err := tx.RevokeOperatorSessions(ctx, o.Name, now); err != nil {
				return err
			}
		}
		return s.base.Audit(ctx, tx, &park.AuditEntry{At: now, Actor: actor, Action: "user.update", Target: o.Name, Before: before,
			After: core.Snapshot(o)})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Get returns an operator (ENotFound).
func (s *Service) Get(ctx context.Context, name string) (*park.Operator, error) {
	var o *park.Operator
	err := s.base.Store.View(ctx, func(tx park.Tx) (err error) { o, err = tx.GetOperator(ctx, name); return })
	return o, err
}

// List returns every operator by name.
func (s *Service) List(ctx context.Context) ([]*park.Operator, error) {
	var os []*park.Operator
	err := s.base.Store.View(ctx, func(tx park.Tx) (err error) { os, err = tx.ListOperators(ctx); return })
	return os, err
}

// RevokeSessions ends every session of the operator name (ENotFound) and
// returns how many were live, audited.
func (s *Service) RevokeSessions(ctx context.Context, actor, name string) (int, error) {
	var n int
	err := s.base.Update(ctx, func(tx park.Tx) error {
		if _, err := tx.GetOperator(ctx, name); err != nil {
			return err
		}
		now := s.base.Clock()
		var err error
		if n, err = tx.RevokeOperatorSessions(ctx, name, now); err != nil {
			return err
		}
		return s.base.Audit(ctx, tx, &park.AuditEntry{At: now, Actor: actor, Action: "user.revoke_sessions", Target: name})
	})
	return n, err
}

// errBadLogin is the one answer to a wrong name or password, so the reply
// does not tell which one was wrong.
var errBadLogin = park.Errorf(park.EUnauthorized, "wrong name or password")

var (
	dummyOnce sync.Once
	dummyHash string
)

// SignIn is one sign-in attempt, from Source (the client's address).
type SignIn struct {
	Name, Password, Source string
}

// SignIn checks an operator's password and opens a session; it returns
// the session's token (for the cookie; only its hash is stored) and the
// session. Attempts are limited per name and per source. Errors:
// EUnauthorized (one answer for a wrong name, a wrong password and a
// disabled operator), ERateLimited (At: when to try again).
func (s *Service) SignIn(ctx context.Context, in SignIn) (string, *park.Session, error) {
	// A name is lower case (park.Operator.Validate): one typed with
	// capitals, as a phone's keyboard writes it, or with spaces around
	// it names the same operator, and counts as that name's attempt.
	in.Name = strings.ToLower(strings.TrimSpace(in.Name))
	if in.Name == "" || in.Password == "" || len(in.Name) > 64 || utf8.RuneCountInString(in.Password) > MaxPasswordLen || !park.ValidText(in.Name) {
		return "", nil, errBadLogin
	}
	var o *park.Operator
	why := "" // what was wrong, for the audit log only
	ok, err := s.guard.Check(ctx, in.Source, in.Name, func() (bool, error) {
		var err error
		o, err = s.Get(ctx, in.Name)
		if park.IsCode(err, park.ENotFound) {
			// The same work as a real check, so timing does not tell
			// which names exist.
			dummyOnce.Do(func() { dummyHash = hashPassword("not a password at all") })
			_, _ = checkPassword(dummyHash, in.Password)
			why = "no such operator"
			return false, nil
		}
		if err != nil {
			return false, err
		}
		ok, err := checkPassword(o.PasswordHash, in.Password)
		if err != nil {
			return false, park.Errorf(park.EInternal, "check password of %q: %v", in.Name, err)
		}
		switch {
		case !ok:
			why = "wrong password"
		case o.Disabled:
			why = "operator disabled"
		}
		return ok && !o.Disabled, nil
	})
	if err != nil {
		return "", nil, err
	}
	if !ok {
		if err := s.auditFailedSignIn(ctx, in, why); err != nil {
			return "", nil, err
		}
		return "", nil, errBadLogin
	}
	token := RandomToken()
	now := s.base.Clock()
	sess := &park.Session{Hash: hashToken(token), Operator: o.Name, CSRF: RandomToken(), Source: in.Source, CreatedAt: now,
		ExpiresAt: now.Add(s.ttl)}
	err = s.base.Update(ctx, func(tx park.Tx) error {
		if err := tx.InsertSession(ctx, sess); err != nil {
			return err
		}
		return s.base.Audit(ctx, tx, &park.AuditEntry{At: now, Actor: o.Name, Action: "session.sign_in", Target: o.Name})
	})
	if err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// FailedSignIn is the audit action of a sign-in whose password was
// checked and refused. Its actor is the client's address, its target the
// name tried and its reason what was wrong; the password is never kept.
// An attempt refused by the rate limit is not written: the limit bounds
// how many entries a guesser can make.
const FailedSignIn = "session.sign_in_failed"

func (s *Service) auditFailedSignIn(ctx context.Context, in SignIn, why string) error {
	source := in.Source
	if host, _, err := net.SplitHostPort(source); err == nil {
		source = host
	}
	if source == "" {
		source = "unknown address"
	}
	return s.base.Update(ctx, func(tx park.Tx) error {
		return s.base.Audit(ctx, tx, &park.AuditEntry{Actor: source, Action: FailedSignIn, Target: in.Name, Reason: why})
	})
}

// Principal is a signed-in operator and the session it came with.
type Principal struct {
	*park.Operator
	Session *park.Session
}

// errNoSession is the answer to a token that is unknown, expired or
// revoked, or whose operator is disabled.
var errNoSession = park.Errorf(park.EUnauthorized, "not signed in, or the session has ended")

// Authenticate returns the operator a session token belongs to
// (EUnauthorized when the session is unknown, expired or revoked, or its
// operator is disabled). Every request reads the session from the
// database, so a revocation on any node holds at once everywhere.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 128 {
		return nil, errNoSession
	}
	var p *Principal
	err := s.base.Store.View(ctx, func(tx park.Tx) error {
		sess, err := tx.GetSession(ctx, hashToken(token))
		if park.IsCode(err, park.ENotFound) {
			return errNoSession
		}
		if err != nil {
			return err
		}
		if !sess.Live(s.base.Clock()) {
			return errNoSession
		}
		o, err := tx.GetOperator(ctx, sess.Operator)
		if err != nil {
			return err
		}
		if o.Disabled {
			return errNoSession
		}
		p = &Principal{Operator: o, Session: sess}
		return nil
	})
	return p, err
}

// SignOut revokes the session of token (an unknown or ended one is
// already signed out).
func (s *Service) SignOut(ctx context.Context, token string) error {
	now := s.base.Clock()
	err := s.base.Update(ctx, func(tx park.Tx) error {
		sess, err := tx.GetSession(ctx, hashToken(token))
		if err != nil {
			return err
		}
		if err := tx.RevokeSession(ctx, sess.Hash, now); err != nil {
			return err
		}
		return s.base.Audit(ctx, tx, &park.AuditEntry{At: now, Actor: sess.Operator, Action: "session.sign_out", Target: sess.Operator})
	})
	if park.IsCode(err, park.ENotFound) {
		return nil
	}
	return err
}

// PurgeSessions deletes the sessions that have expired (housekeeping; a
// revoked session goes when it would have expired) and returns how many.
func (s *Service) PurgeSessions(ctx context.Context) (int, error) {
	before := s.base.Clock()
	total := 0
	for {
		var n int
		err := s.base.Update(ctx, func(tx park.Tx) (err error) { n, err = tx.DeleteSessionsBefore(ctx, before, 1000); return })
		total += n
		if err != nil || n < 1000 {
			return total, err
		}
	}
}

// MaxAuditPage is the most audit entries a page holds: an entry carries
// its change's before and after, larger than other lists' items.
const MaxAuditPage = 500

// AuditPage returns one page of audit entries, newest first, those older
// than f.BeforeSeq (0: from the newest), at most f.Limit (0:
// core.DefaultPage), and whether older ones follow, as the other native
// lists page. Errors: EInvalid (limit).
func (s *Service) AuditPage(ctx context.Context, f park.AuditFilter) ([]*park.AuditEntry, bool, error) {
	if f.Limit > MaxAuditPage {
		return nil, false, park.Invalid("limit", "must be between 1 and %d", MaxAuditPage).Because(park.ReasonRange, "1", strconv.FormatInt(int64(MaxAuditPage), 10))
	}
	limit, err := core.PageLimit(f.Limit)
	if err != nil {
		return nil, false, park.Invalid("limit", "must be between 1 and %d", MaxAuditPage).Because(park.ReasonRange, "1", strconv.FormatInt(int64(MaxAuditPage), 10))
	}
	f.Limit = limit + 1
	var out []*park.AuditEntry
	err = s.base.Store.View(ctx, func(tx park.Tx) (err error) { out, err = tx.ListAudit(ctx, f); return })
	if err != nil {
		return nil, false, err
	}
	out, more := core.Page(out, limit)
	return out, more, nil
}

// RandomToken is 256 random bits, URL-safe: session tokens, CSRF tokens.
func RandomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
