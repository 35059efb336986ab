package park

// PlateRecords says which kinds of records a plate key has in a lot: an
// entry of its white or black list, a pass, a booked reservation, a lock,
// coupons (issued or used). Most cars at a lane have none of them.
type PlateRecords struct {
	Listed   bool
	Pass     bool
	Reserved bool
	Locked   bool
	Coupons  bool
}
