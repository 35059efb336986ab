package park

// PlateRecords says which kinds of records a plate key has in a lot: an
// entry of its white or black list, a pass, a booked reservation, a lock,
// coupons (issued or used), an open stay. Most cars at a lane have none of
// the first five, and a car at an entry has no open stay.
type PlateRecords struct {
	Listed   bool
	Pass     bool
	Reserved bool
	Locked   bool
	Coupons  bool
	Inside   bool
}
