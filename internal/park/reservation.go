package park

// ReservationTx is the part of Tx for this file's records.
type ReservationTx interface{}
