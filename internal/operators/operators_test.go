package operators_test

import (
	"strings"
	"testing"
	"time"

	"parkd/internal/core"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

const pw = "correct horse battery"

func addUser(t *testing.T, b *systemtest.Bundle, name string, role park.Role, lots ...string) *park.Operator {
	t.Helper()
	o, err := b.Sys.Operators.Add(b.Ctx, "tester", operators.NewOperator{Name: name, Role: role, Lots: lots, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestAdd(t *testing.T) {
	b := systemtest.New(t)
	ops := b.Sys.Operators
	t.Run("OK", func(t *testing.T) {
		o := addUser(t, b, "ana", park.RoleLotOperator, b.Lot)
		if o.Language != "en" || o.Version != 1 || !strings.HasPrefix(o.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Fatalf("created %+v", o)
		}
		got, err := ops.Get(b.Ctx, "ana")
		if err != nil || got.Role != park.RoleLotOperator || len(got.Lots) != 1 || got.Lots[0] != b.Lot {
			t.Fatalf("read back %+v, %v", got, err)
		}
		es, err := b.AuditLog(park.AuditFilter{Actor: "tester"})
		if err != nil || len(es) != 1 || es[0].Action != "user.create" || es[0].Target != "ana" || es[0].Before != "" ||
			!strings.Contains(es[0].After, `"role":"lot_operator"`) || strings.Contains(es[0].After, "argon2") {
			t.Fatalf("audit %+v, %v (the password hash must stay out of it)", es, err)
		}
	})
	for name, c := range map[string]struct {
		in    operators.NewOperator
		code  park.Code
		field string
	}{
		"ErrName":          {operators.NewOperator{Name: "Ana Maria", Role: park.RoleAdmin, Password: pw}, park.EInvalid, "name"},
		"ErrRole":          {operators.NewOperator{Name: "x", Role: "boss", Password: pw}, park.EInvalid, "role"},
		"ErrShortPassword": {operators.NewOperator{Name: "x", Role: park.RoleAdmin, Password: "short"}, park.EInvalid, "password"},
		"ErrNoLots":        {operators.NewOperator{Name: "x", Role: park.RoleLotOperator, Password: pw}, park.EInvalid, "lots"},
		"ErrAdminLots":     {operators.NewOperator{Name: "x", Role: park.RoleAdmin, Lots: []string{b.Lot}, Password: pw}, park.EInvalid, "lots"},
		"ErrLanguage":      {operators.NewOperator{Name: "x", Role: park.RoleAdmin, Language: "fr", Password: pw}, park.EInvalid, "language"},
		"ErrUnknownLot":    {operators.NewOperator{Name: "x", Role: park.RoleLotOperator, Lots: []string{"nope"}, Password: pw}, park.ENotFound, ""},
		"ErrTaken":         {operators.NewOperator{Name: "ana", Role: park.RoleAdmin, Password: pw}, park.EConflict, "name"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ops.Add(b.Ctx, "tester", c.in)
			systemtest.WantCode(t, err, c.code)
			if c.field != "" {
				if pe, _ := err.(*park.Error); pe == nil || pe.Field != c.field {
					t.Fatalf("error %v names field %q, want %q", err, pe.Field, c.field)
				}
			}
		})
	}
}

func TestSessions(t *testing.T) {
	b := systemtest.New(t)
	ops := b.Sys.Operators
	addUser(t, b, "ana", park.RoleAdmin)
	sign := func(password string) (string, error) {
		tok, _, err := ops.SignIn(b.Ctx, operators.SignIn{Name: "ana", Password: password, Source: "192.0.2.1:5000"})
		return tok, err
	}
	t.Run("WrongPassword", func(t *testing.T) {
		_, err := sign("correct horse battery!")
		systemtest.WantCode(t, err, park.EUnauthorized)
		_, _, err = ops.SignIn(b.Ctx, operators.SignIn{Name: "nobody", Password: pw})
		systemtest.WantCode(t, err, park.EUnauthorized)
	})
	t.Run("ExpiresAfter12Hours", func(t *testing.T) {
		tok, err := sign(pw)
		if err != nil {
			t.Fatal(err)
		}
		p, err := ops.Authenticate(b.Ctx, tok)
		if err != nil || p.Name != "ana" || p.Session.CSRF == "" {
			t.Fatalf("%+v, %v", p, err)
		}
		b.Clock.Set(b.Clock.Now().Add(12*time.Hour - time.Microsecond))
		if _, err := ops.Authenticate(b.Ctx, tok); err != nil {
			t.Fatalf("a microsecond before the end: %v", err)
		}
		b.Clock.Set(b.Clock.Now().Add(time.Microsecond))
		_, err = ops.Authenticate(b.Ctx, tok)
		systemtest.WantCode(t, err, park.EUnauthorized)
	})
	t.Run("SignOutAndRevoke", func(t *testing.T) {
		t1, err := sign(pw)
		if err != nil {
			t.Fatal(err)
		}
		t2, err := sign(pw)
		if err != nil {
			t.Fatal(err)
		}
		if err := ops.SignOut(b.Ctx, t1); err != nil {
			t.Fatal(err)
		}
		_, err = ops.Authenticate(b.Ctx, t1)
		systemtest.WantCode(t, err, park.EUnauthorized)
		if _, err := ops.Authenticate(b.Ctx, t2); err != nil {
			t.Fatalf("the other session ended too: %v", err)
		}
		n, err := ops.RevokeSessions(b.Ctx, "tester", "ana")
		if err != nil || n != 1 {
			t.Fatalf("revoked %d, %v; want 1 (t2)", n, err)
		}
		_, err = ops.Authenticate(b.Ctx, t2)
		systemtest.WantCode(t, err, park.EUnauthorized)
	})
	t.Run("DisablingEndsSessions", func(t *testing.T) {
		tok, err := sign(pw)
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		if _, err := ops.Update(b.Ctx, "tester", "ana", operators.Patch{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		_, err = ops.Authenticate(b.Ctx, tok)
		systemtest.WantCode(t, err, park.EUnauthorized)
		_, err = sign(pw)
		systemtest.WantCode(t, err, park.EUnauthorized)
	})
	t.Run("UnknownToken", func(t *testing.T) {
		for _, tok := range []string{"", "nope", strings.Repeat("x", 500)} {
			_, err := ops.Authenticate(b.Ctx, tok)
			systemtest.WantCode(t, err, park.EUnauthorized)
		}
	})
}

// TestGuessing: the eleventh wrong password in a row for one name is
// refused without a check (partners.DefaultSignInLimits: 10 failed
// attempts per user, then one a minute), and so is the right one.
func TestGuessing(t *testing.T) {
	b := systemtest.New(t)
	addUser(t, b, "ana", park.RoleAdmin)
	for i := range 10 {
		_, _, err := b.Sys.Operators.SignIn(b.Ctx, operators.SignIn{Name: "ana", Password: "guess number " + string(rune('a'+i)),
			Source: "192.0.2.7:1"})
		systemtest.WantCode(t, err, park.EUnauthorized)
	}
	_, _, err := b.Sys.Operators.SignIn(b.Ctx, operators.SignIn{Name: "ana", Password: pw, Source: "192.0.2.8:1"})
	systemtest.WantCode(t, err, park.ERateLimited)
	// Each checked guess is in the audit log; the refused eleventh is not.
	es, err := b.AuditLog(park.AuditFilter{Actor: "192.0.2.7"})
	if err != nil || len(es) != 10 {
		t.Fatalf("%d audit entries from 192.0.2.7, %v; want the 10 guesses", len(es), err)
	}
	if es, _ := b.AuditLog(park.AuditFilter{Actor: "192.0.2.8"}); len(es) != 0 {
		t.Fatalf("the rate-limited attempt was audited: %+v", es[0])
	}
	b.Clock.Set(b.Clock.Now().Add(time.Minute))
	if _, _, err := b.Sys.Operators.SignIn(b.Ctx, operators.SignIn{Name: "ana", Password: pw, Source: "192.0.2.8:1"}); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}

func TestUpdate(t *testing.T) {
	b := systemtest.New(t)
	addUser(t, b, "ana", park.RoleLotOperator, b.Lot)
	ro := park.RoleReadOnly
	o, err := b.Sys.Operators.Update(b.Ctx, "tester", "ana", operators.Patch{Role: &ro})
	if err != nil || o.Role != park.RoleReadOnly || o.Lots != nil || o.Version != 2 {
		t.Fatalf("%+v, %v (a read-only operator holds no lots)", o, err)
	}
	es, _, _ := b.Sys.Operators.AuditPage(b.Ctx, park.AuditFilter{Actor: "tester", Limit: 1})
	if len(es) != 1 || es[0].Action != "user.update" || !strings.Contains(es[0].Before, `"lot_operator"`) ||
		!strings.Contains(es[0].After, `"read_only"`) {
		t.Fatalf("audit %+v", es)
	}
	bad := "short"
	_, err = b.Sys.Operators.Update(b.Ctx, "tester", "ana", operators.Patch{Password: &bad})
	systemtest.WantCode(t, err, park.EInvalid)
	_, err = b.Sys.Operators.Update(b.Ctx, "tester", "nobody", operators.Patch{Role: &ro})
	systemtest.WantCode(t, err, park.ENotFound)
}

func TestRoles(t *testing.T) {
	admin := &park.Operator{Role: park.RoleAdmin}
	lotOp := &park.Operator{Role: park.RoleLotOperator, Lots: []string{"A"}}
	ro := &park.Operator{Role: park.RoleReadOnly}
	for _, c := range []struct {
		o           *park.Operator
		lot         string
		see, change bool
	}{
		{admin, "A", true, true}, {admin, "B", true, true},
		{lotOp, "A", true, true}, {lotOp, "B", false, false},
		{ro, "A", true, false}, {ro, "B", true, false},
	} {
		if c.o.MaySee(c.lot) != c.see || c.o.MayChange(c.lot) != c.change {
			t.Errorf("%s in %s: see %v change %v, want %v %v", c.o.Role, c.lot, c.o.MaySee(c.lot), c.o.MayChange(c.lot), c.see, c.change)
		}
	}
}

// TestPurgeSessions: housekeeping deletes the sessions that expired, and
// only those.
func TestPurgeSessions(t *testing.T) {
	b := systemtest.New(t)
	addUser(t, b, "ana", park.RoleAdmin)
	sign := func() string {
		tok, _, err := b.Sys.Operators.SignIn(b.Ctx, operators.SignIn{Name: "ana", Password: pw})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	old := sign()
	b.Clock.Set(b.Clock.Now().Add(6 * time.Hour))
	fresh := sign()
	b.Clock.Set(b.Clock.Now().Add(6*time.Hour + time.Minute)) // old's 12 h are over; fresh has 6 h left
	n, err := b.Sys.Operators.PurgeSessions(b.Ctx)
	if err != nil || n != 1 {
		t.Fatalf("purged %d, %v; want 1", n, err)
	}
	if _, err := b.Sys.Operators.Authenticate(b.Ctx, fresh); err != nil {
		t.Fatalf("the live session was purged: %v", err)
	}
	_, err = b.Sys.Operators.Authenticate(b.Ctx, old)
	systemtest.WantCode(t, err, park.EUnauthorized)
}

// TestFailedSignInAudited: a refused sign-in is in the audit log with the
// address it came from, the name it tried, when and why, and never the
// password it tried.
func TestFailedSignInAudited(t *testing.T) {
	b := systemtest.New(t)
	ops := b.Sys.Operators
	addUser(t, b, "ana", park.RoleAdmin)
	addUser(t, b, "bo", park.RoleReadOnly)
	yes := true
	if _, err := ops.Update(b.Ctx, "tester", "bo", operators.Patch{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, password, source, why string }{
		{"ana", "hunter2 hunter2 hunter2", "198.51.100.4:50312", "wrong password"},
		{"nobody", "hunter3 hunter3 hunter3", "[2001:db8::1]:443", "no such operator"},
		{"bo", pw, "198.51.100.5:1", "operator disabled"},
	} {
		t.Run(c.why, func(t *testing.T) {
			_, _, err := ops.SignIn(b.Ctx, operators.SignIn{Name: c.name, Password: c.password, Source: c.source})
			systemtest.WantCode(t, err, park.EUnauthorized)
			es, err := b.AuditLog(park.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			e := es[0]
			host := strings.TrimSuffix(strings.TrimPrefix(c.source[:strings.LastIndex(c.source, ":")], "["), "]")
			if e.Action != operators.FailedSignIn || e.Actor != host || e.Target != c.name || e.Reason != c.why ||
				!e.At.Equal(b.Clock.Now()) {
				t.Fatalf("audit %+v, want %s by %s of %q: %s", e, operators.FailedSignIn, host, c.name, c.why)
			}
			if text := core.Snapshot(e); strings.Contains(text, c.password) {
				t.Fatalf("the password tried is in the audit log: %s", text)
			}
		})
	}
	t.Run("SignInOKNotFailed", func(t *testing.T) {
		if _, _, err := ops.SignIn(b.Ctx, operators.SignIn{Name: "ana", Password: pw, Source: "198.51.100.4:2"}); err != nil {
			t.Fatal(err)
		}
		es, _ := b.AuditLog(park.AuditFilter{Actor: "ana"})
		if len(es) != 1 || es[0].Action != "session.sign_in" {
			t.Fatalf("audit of ana %+v, want one sign-in", es)
		}
	})
}

// TestUpdateSelf: an admin cannot demote or disable themselves (nobody
// might be left to undo it); another admin can.
func TestUpdateSelf(t *testing.T) {
	b := systemtest.New(t)
	addUser(t, b, "ana", park.RoleAdmin)
	ro, yes, pt := park.RoleReadOnly, true, "pt"
	_, err := b.Sys.Operators.Update(b.Ctx, "ana", "ana", operators.Patch{Role: &ro})
	systemtest.WantCode(t, err, park.EInvalid)
	_, err = b.Sys.Operators.Update(b.Ctx, "ana", "ana", operators.Patch{Disabled: &yes})
	systemtest.WantCode(t, err, park.EInvalid)
	if o, err := b.Sys.Operators.Update(b.Ctx, "ana", "ana", operators.Patch{Language: &pt}); err != nil || o.Language != "pt" {
		t.Fatalf("an admin changing their own language: %+v, %v", o, err)
	}
	if o, err := b.Sys.Operators.Update(b.Ctx, "bo", "ana", operators.Patch{Role: &ro}); err != nil || o.Role != ro {
		t.Fatalf("another admin demoting ana: %+v, %v", o, err)
	}
}

// TestPasswordLengthInCharacters: a password is 12 to 256 characters, as
// the docs say, counted the same way at both ends and at sign-in: 100
// Chinese characters (300 bytes) are a password one can set and sign in
// with; 257 characters are refused.
func TestPasswordLengthInCharacters(t *testing.T) {
	b := systemtest.New(t)
	ops := b.Sys.Operators
	long := strings.Repeat("停", 100)
	if _, err := ops.Add(b.Ctx, "tester", operators.NewOperator{Name: "li", Role: park.RoleAdmin, Password: long}); err != nil {
		t.Fatalf("a 100-character password: %v", err)
	}
	if _, _, err := ops.SignIn(b.Ctx, operators.SignIn{Name: "li", Password: long, Source: "192.0.2.1"}); err != nil {
		t.Fatalf("sign-in with it: %v", err)
	}
	_, err := ops.Add(b.Ctx, "tester", operators.NewOperator{Name: "wu", Role: park.RoleAdmin, Password: strings.Repeat("a", 257)})
	systemtest.WantCode(t, err, park.EInvalid)
}
