"""Council service summaries: measures computed in the database, disclosure-controlled, rendered."""
