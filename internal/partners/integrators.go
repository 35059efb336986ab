package partners

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"parkd/internal/park"
)

// IntegratorInput creates an integrator user of a partner dialect.
type IntegratorInput struct {
	Username       string
	Password       string
	Partners       []string
	DefaultPartner string
}

// Password bounds: bcrypt reads at most 72 bytes.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 72
)

// CreateIntegrator stores an integrator with a bcrypt hash of its password
// (EInvalid, EConflict when the username exists, EInvalid naming an unknown
// partner).
func (s *Service) CreateIntegrator(ctx context.Context, in IntegratorInput) (*park.Integrator, error) {
	// Refusals name the first field wrong in the document's order:
	// username, password, partners, default_partner.
	if err := park.CheckUsername(in.Username); err != nil {
		return nil, err
	}
	switch n := len(in.Password); {
	case n == 0:
		return nil, park.Invalid("password", "is required (%d-%d bytes)", MinPasswordLen, MaxPasswordLen).Because(park.ReasonRequired)
	case n < MinPasswordLen || n > MaxPasswordLen:
		return nil, park.Invalid("password", "must be %d-%d bytes", MinPasswordLen, MaxPasswordLen).
			Because(park.ReasonLength, strconv.Itoa(MinPasswordLen), strconv.Itoa(MaxPasswordLen))
	}
	now := s.base.Clock()
	u := &park.Integrator{Username: in.Username, Partners: in.Partners, DefaultPartner: in.DefaultPartner,
		CreatedAt: now, UpdatedAt: now}
	if u.DefaultPartner == "" && len(u.Partners) == 1 {
		u.DefaultPartner = u.Partners[0]
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, park.Errorf(park.EInternal, "hash password: %v", err)
	}
	u.PasswordHash = string(hash)
	err = s.base.Write(ctx, func(tx park.Tx) error { return park.Taken(tx.CreateIntegrator(ctx, u), "username") })
	if park.IsCode(err, park.ENotFound) {
		// A partner id that names no partner.
		return nil, &park.Error{Code: park.EInvalid, Field: "partners", Message: err.Error(), Reason: park.ReasonUnknown}
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}

// GetIntegrator returns an integrator (ENotFound).
func (s *Service) GetIntegrator(ctx context.Context, username string) (*park.Integrator, error) {
	var u *park.Integrator
	err := s.base.View(ctx, func(tx park.Tx) (err error) {
		u, err = tx.GetIntegrator(ctx, username)
		return err
	})
	return u, err
}

// RevokeTokens revokes every token of an integrator at once and returns how
// many were live (ENotFound for an unknown user).
func (s *Service) RevokeTokens(ctx context.Context, username string) (int, error) {
	var n int
	err := s.base.Write(ctx, func(tx park.Tx) error {
		if _, err := tx.GetIntegrator(ctx, username); err != nil {
			return err
		}
		var err error
		n, err = tx.RevokeTokens(ctx, username, s.base.Clock())
		return err
	})
	if err == nil {
		s.forgetAuth(username)
	}
	return n, err
}

// tokenPrefix marks parkd's dialect tokens, so a leaked one is recognisable.
const tokenPrefix = "pkd_"

// HashToken is how a token is kept: hex SHA-256. Tokens carry 256 random
// bits, so a fast hash is enough (no password-style stretching).
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

var (
	dummyOnce sync.Once
	dummyHash []byte
)

// errBadLogin is the one answer to a wrong username or password, so the
// reply does not tell which one was wrong.
var errBadLogin = park.Errorf(park.EUnauthorized, "wrong username or password")

// SignIn is one sign-in attempt: the user, the password, and where it
// comes from (the client's address, for the per-source limit; "" for
// none).
type SignIn struct {
	Username, Password string
	Source             string
}

// Login checks an integrator's password and issues a bearer token that
// lives park.DefaultTokenTTL. Only the token's hash is stored; the token is
// returned once. Attempts are limited per user and per source, and their
// password checks run a few at a time (SignInGuard). Errors:
// EUnauthorized (errBadLogin, naming no field), ERateLimited (At: when to
// try again).
func (s *Service) Login(ctx context.Context, in SignIn) (string, *park.APIToken, error) {
	username, password := in.Username, in.Password
	if username == "" || password == "" || len(username) > 64 || len(password) > MaxPasswordLen || !park.ValidText(username) {
		return "", nil, errBadLogin
	}
	var u *park.Integrator
	ok, err := s.signIn.Check(ctx, in.Source, username, func() (bool, error) {
		var err error
		u, err = s.GetIntegrator(ctx, username)
		if park.IsCode(err, park.ENotFound) {
			// Spend the same time as a real check, so timing does not
			// tell which usernames exist.
			dummyOnce.Do(func() { dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.DefaultCost) })
			_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
			return false, nil
		}
		if err != nil {
			return false, err
		}
		err = bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password))
		if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
			return false, nil
		}
		if err != nil {
			return false, park.Errorf(park.EInternal, "check password of %q: %v", username, err)
		}
		return true, nil
	})
	if err != nil {
		return "", nil, err
	}
	if !ok {
		return "", nil, errBadLogin
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	now := s.base.Clock()
	t := &park.APIToken{Hash: HashToken(token), Username: u.Username, CreatedAt: now, ExpiresAt: now.Add(park.DefaultTokenTTL)}
	if err := s.base.Write(ctx, func(tx park.Tx) error { return tx.InsertToken(ctx, t) }); err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// Caller is an authenticated integrator acting for one of its partners.
type Caller struct {
	Integrator *park.Integrator
	Partner    *park.Partner // nil from Authenticate without a partner
}

// Authenticate checks a bearer token and, when partnerID is not "-",
// chooses the partner the integrator acts for: partnerID, or its default
// partner when partnerID is "". Errors: EUnauthorized on field token
// (missing, unknown, expired or revoked token; At: when an expired or
// revoked token stopped being valid), EInvalid on partner (a partner the
// integrator does not hold). Login's EUnauthorized names no field, so a
// transport can tell a bad token from a bad sign-in without reading text.
func (s *Service) Authenticate(ctx context.Context, token, partnerID string) (*Caller, error) {
	if token == "" || len(token) > 256 {
		return nil, &park.Error{Code: park.EUnauthorized, Field: "token", Message: "a bearer token is required; obtain one by signing in"}
	}
	now := s.base.Clock()
	key := authKey{HashToken(token), partnerID}
	if v, ok := s.auth.Load(key); ok {
		if a := v.(*authEntry); now.Before(a.until) {
			c := a.caller
			return &c, nil
		}
		s.auth.Delete(key)
	}
	var c Caller
	var expires time.Time
	err := s.base.View(ctx, func(tx park.Tx) error {
		t, err := tx.GetToken(ctx, HashToken(token))
		switch {
		case park.IsCode(err, park.ENotFound):
			return &park.Error{Code: park.EUnauthorized, Field: "token", Message: "unknown token; sign in again"}
		case err != nil:
			return err
		case t.RevokedAt != nil:
			return &park.Error{Code: park.EUnauthorized, Field: "token", At: *t.RevokedAt, Message: "token revoked at " + t.RevokedAt.Format(time.RFC3339) + "; sign in again"}
		case !now.Before(t.ExpiresAt):
			return &park.Error{Code: park.EUnauthorized, Field: "token", At: t.ExpiresAt, Message: "token expired at " + t.ExpiresAt.Format(time.RFC3339) + "; sign in again"}
		}
		expires = t.ExpiresAt
		if c.Integrator, err = tx.GetIntegrator(ctx, t.Username); err != nil {
			if park.IsCode(err, park.ENotFound) {
				return &park.Error{Code: park.EUnauthorized, Field: "token", Message: "the token's user no longer exists"}
			}
			return err
		}
		if partnerID == "-" {
			return nil
		}
		id := partnerID
		if id == "" {
			id = c.Integrator.DefaultPartner
		}
		if !c.Integrator.Holds(id) {
			if partnerID == "" {
				return park.Invalid("partner", "the default partner %q is no longer available; choose one of the user's partners", id).Because(park.ReasonUnknown)
			}
			return park.Invalid("partner", "partner %q is not one of the user's partners", id).Because(park.ReasonUnknown)
		}
		c.Partner, err = tx.GetPartner(ctx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.auth.Store(key, &authEntry{caller: c, until: park.MinTime(now.Add(AuthCacheFor), expires)})
	return &c, nil
}

// AuthCacheFor is how long a checked token is trusted without asking the
// database again: each partner request would otherwise cost a read
// transaction of five look-ups. A revocation on this node takes effect at
// once; on other nodes, and for changes to a partner's lots, within this.
const AuthCacheFor = 5 * time.Second

type authKey struct{ tokenHash, partnerID string }

type authEntry struct {
	caller Caller
	until  time.Time
}

// forgetAuth drops a user's checked tokens from this node's cache.
func (s *Service) forgetAuth(username string) {
	s.auth.Range(func(k, v any) bool {
		if v.(*authEntry).caller.Integrator.Username == username {
			s.auth.Delete(k)
		}
		return true
	})
}

// PartnersOf returns the partners an integrator holds, in its order.
func (s *Service) PartnersOf(ctx context.Context, u *park.Integrator) ([]*park.Partner, error) {
	out := make([]*park.Partner, 0, len(u.Partners))
	err := s.base.View(ctx, func(tx park.Tx) error {
		for _, id := range u.Partners {
			p, err := tx.GetPartner(ctx, id)
			if park.IsCode(err, park.ENotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}
