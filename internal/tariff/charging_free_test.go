package tariff

import (
	"strings"
	"testing"
	"time"
)

// TestChargingFreeMinutes: the charging-while-parked rule is a top-level
// field of the parking tariff, kept in the canonical document.
func TestChargingFreeMinutes(t *testing.T) {
	tf, err := Parse([]byte(`{"every":{"minutes":30,"price":200},"charging_free_minutes":30}`))
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := tf.ChargingFree(); !ok || d != 30*time.Minute {
		t.Fatalf("ChargingFree %v %v", d, ok)
	}
	again, err := Parse(tf.Doc())
	if err != nil || !strings.Contains(string(tf.Doc()), `"charging_free_minutes":30`) {
		t.Fatalf("canonical %s: %v", tf.Doc(), err)
	}
	if d, ok := again.ChargingFree(); !ok || d != 30*time.Minute {
		t.Fatalf("reparsed %v %v", d, ok)
	}
	zero, _ := Parse([]byte(`{"every":{"minutes":30,"price":200},"charging_free_minutes":0}`))
	if d, ok := zero.ChargingFree(); !ok || d != 0 {
		t.Fatalf("0 minutes: %v %v (the charging time itself is free)", d, ok)
	}
	none, _ := Parse([]byte(`{"every":{"minutes":30,"price":200}}`))
	if _, ok := none.ChargingFree(); ok || strings.Contains(string(none.Doc()), "charging") {
		t.Fatalf("absent: %s", none.Doc())
	}
	for _, doc := range []string{
		`{"every":{"minutes":30,"price":200},"charging_free_minutes":-1}`,
		`{"every":{"minutes":30,"price":200},"charging_free_minutes":"30"}`,
		`{"every":{"minutes":30,"price":200},"classes":{"large":{"charging_free_minutes":30}}}`,
	} {
		if _, err := Parse([]byte(doc)); err == nil || !strings.Contains(err.Error(), "charging_free_minutes") {
			t.Errorf("%s: %v", doc, err)
		}
	}
}
