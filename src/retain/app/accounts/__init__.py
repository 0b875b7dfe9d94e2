"""Account read models: the filtered, sorted listing and one account's detail."""
