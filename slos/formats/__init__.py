"""SLO file formats: readers and writers of SLO definitions in other tools' formats."""
