package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"parkd/internal/park"
)

// TestEditOperator: an admin changes an operator's role, lots, language
// and whether they may sign in from a labelled form; the change is
// audited with before and after and ends the operator's sessions. A
// refused field re-shows the form and changes nothing; a read-only
// operator and a form without its token are refused.
func TestEditOperator(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	s.user(t, "op", park.RoleLotOperator, s.Lot)
	s.user(t, "viewer", park.RoleReadOnly)
	a := s.browser(t)
	a.mustLogin("ana")
	audits := func(t *testing.T) []*park.AuditEntry {
		t.Helper()
		es, err := s.AuditLog(park.AuditFilter{Actor: "ana"})
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	op := func(t *testing.T) *park.Operator {
		t.Helper()
		o, err := s.Sys.Operators.Get(s.Ctx, "op")
		if err != nil {
			t.Fatal(err)
		}
		return o
	}

	t.Run("FormHasLabels", func(t *testing.T) {
		_, body, _ := a.get("/console/audit")
		if !strings.Contains(body, `href="/console/users/op"`) {
			t.Fatalf("no edit link for op on the people page:\n%s", body)
		}
		st, body, _ := a.get("/console/users/op")
		if st != http.StatusOK {
			t.Fatalf("edit page: %d\n%s", st, body)
		}
		for _, want := range []string{`<label for="e-role">`, `<label for="e-lots">`, `<label for="e-lang">`, `<label for="e-disabled">`,
			`<option value="lot_operator" selected>lot_operator</option>`, `value="` + s.Lot + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("edit page lacks %s", want)
			}
		}
	})
	t.Run("ErrReadOnly", func(t *testing.T) {
		v := s.browser(t)
		v.mustLogin("viewer")
		v.get("/console/audit")
		if st, _, _ := v.get("/console/users/op"); st != http.StatusForbidden {
			t.Errorf("read-only edit page: %d, want 403", st)
		}
		if st, _, _ := v.post("/console/users/op", url.Values{"role": {"admin"}, "language": {"en"}}); st != http.StatusForbidden {
			t.Errorf("read-only edit: %d, want 403", st)
		}
		if st, _, _ := v.post("/console/users/viewer", url.Values{"role": {"admin"}, "language": {"en"}}); st != http.StatusForbidden {
			t.Errorf("read-only making itself admin: %d, want 403", st)
		}
		if o := op(t); o.Role != park.RoleLotOperator {
			t.Fatalf("op is %s after refused edits", o.Role)
		}
	})
	t.Run("ErrNoFormToken", func(t *testing.T) {
		a.get("/console/users/op")
		st, _, _ := a.post("/console/users/op", url.Values{"role": {"admin"}, "language": {"en"}, "csrf": {""}})
		if st != http.StatusForbidden || op(t).Role != park.RoleLotOperator {
			t.Fatalf("an edit without its form token: %d, op %s", st, op(t).Role)
		}
	})
	t.Run("ErrFieldShownInPlace", func(t *testing.T) {
		n := len(audits(t))
		a.get("/console/users/op")
		for lots, field := range map[string]string{"": "lots", "nope": "lots"} {
			st, body, _ := a.post("/console/users/op", url.Values{"role": {"lot_operator"}, "lots": {lots}, "language": {"en"}})
			if st != http.StatusUnprocessableEntity || !strings.Contains(body, `id="user-error"><strong>`+field+`</strong>`) ||
				!strings.Contains(body, `aria-invalid="true"`) {
				t.Fatalf("lots %q: %d\n%s", lots, st, body)
			}
		}
		if len(audits(t)) != n || len(op(t).Lots) != 1 {
			t.Fatalf("a refused edit changed op (%+v) or was audited", op(t))
		}
	})
	t.Run("ErrDemoteSelf", func(t *testing.T) {
		a.get("/console/users/ana")
		st, _, _ := a.post("/console/users/ana", url.Values{"role": {"read_only"}, "language": {"en"}})
		if o, _ := s.Sys.Operators.Get(s.Ctx, "ana"); st != http.StatusUnprocessableEntity || o.Role != park.RoleAdmin {
			t.Fatalf("an admin demoting itself: %d, role %s", st, o.Role)
		}
	})
	t.Run("ErrUnknown", func(t *testing.T) {
		if st, _, _ := a.get("/console/users/nobody"); st != http.StatusNotFound {
			t.Fatalf("edit page of nobody: %d, want 404", st)
		}
	})
	t.Run("OK", func(t *testing.T) {
		o := s.browser(t)
		o.mustLogin("op")
		a.get("/console/users/op")
		st, _, loc := a.post("/console/users/op", url.Values{"role": {"read_only"}, "lots": {s.Lot}, "language": {"pt"}})
		if st != http.StatusSeeOther || loc != "/console/audit?updated=op" {
			t.Fatalf("save: %d to %q", st, loc)
		}
		got := op(t)
		if got.Role != park.RoleReadOnly || len(got.Lots) != 0 || got.Language != "pt" || got.Disabled {
			t.Fatalf("op after the edit: %+v (a read-only operator holds no lots)", got)
		}
		e := audits(t)[0]
		if e.Action != "user.update" || e.Target != "op" || !strings.Contains(e.Before, `"role":"lot_operator"`) ||
			!strings.Contains(e.After, `"role":"read_only"`) || !strings.Contains(e.After, `"language":"pt"`) {
			t.Fatalf("audit %+v", e)
		}
		if st, _, _ := o.get("/console/"); st != http.StatusSeeOther {
			t.Fatalf("op still signed in under the old role: %d", st)
		}
	})
	t.Run("Disable", func(t *testing.T) {
		a.get("/console/users/op")
		st, _, _ := a.post("/console/users/op", url.Values{"role": {"read_only"}, "language": {"pt"}, "disabled": {"on"}})
		if st != http.StatusSeeOther || !op(t).Disabled {
			t.Fatalf("disable: %d, %+v", st, op(t))
		}
		if st, _ := s.browser(t).login("op", pw); st != http.StatusUnauthorized {
			t.Fatalf("a disabled operator signed in: %d", st)
		}
		_, body, _ := a.get("/console/users/op")
		if !strings.Contains(body, `name="disabled" checked`) {
			t.Fatalf("the form does not show op disabled:\n%s", body)
		}
	})
}

// TestAddOperatorRefusedKeepsTheForm: a new operator refused for a field
// (here a password too short, then a lot that does not exist) shows the
// people page again, 422, with the message beside the form and what was
// typed kept, except the password; no operator is created.
func TestAddOperatorRefusedKeepsTheForm(t *testing.T) {
	s := newSite(t)
	s.user(t, "ana", park.RoleAdmin)
	a := s.browser(t)
	a.mustLogin("ana")
	a.get("/console/audit")
	for _, c := range []struct{ lots, password, field string }{
		{s.Lot, "qz-7", "password"},
		{"nope", "a long enough passphrase", "lots"},
	} {
		st, body, _ := a.post("/console/users", url.Values{"name": {"carla"}, "role": {"lot_operator"}, "lots": {c.lots},
			"language": {"pt"}, "password": {c.password}})
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("%s refused: %d, want 422\n%s", c.field, st, body)
		}
		for _, want := range []string{`id="add-user-error"><strong>` + c.field + `</strong>`, `id="u-name" name="name" value="carla"`,
			`<option value="lot_operator" selected>`, `id="u-lots" name="lots" value="` + c.lots + `"`, `<option value="pt" selected>`,
			`aria-invalid="true"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s refused: the page lacks %s\n%s", c.field, want, body)
			}
		}
		if strings.Contains(body, c.password) {
			t.Errorf("%s refused: the page shows the password typed", c.field)
		}
	}
	if _, err := s.Sys.Operators.Get(s.Ctx, "carla"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("a refused operator was created: %v", err)
	}
}
