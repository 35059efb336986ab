package linkc_test

import "testing"

// TestEmptyPlaca: a lookup that sends placa= empty (an app whose plate
// field was blank) is told about the placa it sent, not the localizador
// it never sent.
func TestEmptyPlaca(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for path, campo := range map[string]string{
		"/api/estadias?placa=":              "placa",
		"/api/estadias?placa=&parceiro_id=": "placa",
		"/api/estadias?localizador=":        "localizador",
		"/api/estadias":                     "localizador",
	} {
		m := wantError(t, e.get(path), 400, "invalid")
		if m["campo"] != campo {
			t.Errorf("%s: campo %v, want %s (%v)", path, m["campo"], campo, m)
		}
	}
}
