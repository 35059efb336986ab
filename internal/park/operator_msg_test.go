package park

import "testing"

// TestOperatorLotsMessage: the refusal of lots for a role that sees every
// lot reads as English for each role ("a admin" did not).
func TestOperatorLotsMessage(t *testing.T) {
	for role, want := range map[Role]string{
		RoleAdmin:    "lots: only a lot operator is given lots (the role admin sees every lot)",
		RoleReadOnly: "lots: only a lot operator is given lots (the role read_only sees every lot)",
	} {
		o := &Operator{Name: "ana", Role: role, Lots: []string{"L1"}, Language: "en"}
		if err := o.Validate(); err == nil || err.Error() != want {
			t.Errorf("%s with lots: %v, want %q", role, err, want)
		}
	}
}

// TestOperatorRoleRequired: an operator given no role (parkd user add
// without --role, POST /v1/users without "role") is told the role is
// required and which there are, as other missing fields are; before, it
// read `role: "" is not admin, lot_operator or read_only`.
func TestOperatorRoleRequired(t *testing.T) {
	o := &Operator{Name: "ana", Language: "en"}
	want := "role: is required: admin, lot_operator or read_only"
	if err := o.Validate(); err == nil || err.Error() != want {
		t.Errorf("no role: %v, want %q", err, want)
	}
}
