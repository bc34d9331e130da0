"""Display helpers: number formatting, tables, figures and the Framework's elements."""
