package tariff

import "testing"

// A slot holds the minutes from its start up to, not including, its end;
// an end not after the start crosses midnight.
func TestSlotContains(t *testing.T) {
	night, _ := ParseSlot("19:00", "08:00")
	lunch, _ := ParseSlot("12:00", "14:00")
	evening, _ := ParseSlot("19:00", "24:00")
	for _, c := range []struct {
		slot   Slot
		minute int
		want   bool
	}{
		{night, 19 * 60, true}, {night, 23*60 + 59, true}, {night, 0, true}, {night, 7*60 + 59, true},
		{night, 8 * 60, false}, {night, 12 * 60, false}, {night, 18*60 + 59, false},
		{lunch, 12 * 60, true}, {lunch, 13*60 + 59, true}, {lunch, 14 * 60, false}, {lunch, 11*60 + 59, false},
		{evening, 23*60 + 59, true}, {evening, 0, false}, {evening, 18*60 + 59, false},
	} {
		if got := c.slot.Contains(c.minute); got != c.want {
			t.Errorf("%+v contains %02d:%02d = %v, want %v", c.slot, c.minute/60, c.minute%60, got, c.want)
		}
	}
}
