package mongo

// MigrationCount is how many migrations a fresh database records.
func MigrationCount() int { return len(migrations()) }
