package park

// SpaceTx is the part of Tx for this file's records.
type SpaceTx interface{}
