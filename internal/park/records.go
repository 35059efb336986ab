package park

// PlateRecords says which kinds of records a plate key has in a lot: an
// entry of its white or black list, a pass, a booked reservation, a lock,
// coupons (issued or used), an open stay; and whether it has an open rental
// order (in any lot). Most cars at a lane have none of them, but a car at
// an exit has its open stay.
type PlateRecords struct {
	Listed   bool
	Pass     bool
	Reserved bool
	Locked   bool
	Coupons  bool
	Inside   bool
	Rented   bool
}
