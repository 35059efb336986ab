package linkc_test

import "testing"

// TestDefaultPartnerGone: when the user's default partner was deleted, a
// request without parceiro_id is told that the default is gone and to
// name a partner, not to "omit parceiro_id", which it did.
func TestDefaultPartnerGone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.admin(t, "DELETE", "/v1/partners/app", "", 204)
	const detalhe = "o parceiro padrão do usuário não está mais disponível; informe parceiro_id com um dos parceiros do usuário (veja GET /api/parceiros)"
	for _, r := range []reply{e.get("/api/estadias?localizador=1234567890"),
		e.post("/api/estadias/pagamentos", payBody("00000000-0000-4000-8000-000000000000", "1.0"))} {
		m := wantError(t, r, 400, "invalid")
		if m["campo"] != "parceiro_id" || m["detalhe"] != detalhe {
			t.Errorf("%v, want campo parceiro_id and %q", m, detalhe)
		}
	}
	// Naming one of the user's partners still works.
	want(t, e.get("/api/estadias?parceiro_id=sandbox&localizador=1234567890"), 200)
	// Naming one that is not the user's is told as before.
	m := wantError(t, e.get("/api/estadias?parceiro_id=app&localizador=1234567890"), 400, "invalid")
	if m["detalhe"] != "envie um dos parceiros do usuário (veja GET /api/parceiros), ou omita parceiro_id para usar o padrão" {
		t.Errorf("a partner not the user's: %v", m)
	}
}
