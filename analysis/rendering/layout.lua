-- Layout fixes of the fallback renderer, for both HTML and typst.

local stringify = pandoc.utils.stringify

-- A cell reads as a number: digits with separators, a sign, %, £, or an estimate with its
-- interval in brackets. "*" (suppressed) and dashes (no value) say nothing either way.
local function numeric(text)
  text = text:gsub("%s", ""):gsub("£", ""):gsub("−", "-"):gsub("–", "-"):gsub("—", "-")
  if text == "" or text == "*" or text == "-" then return nil end
  text = text:gsub("^[<>~]", ""):gsub("^≤", ""):gsub("^≥", "")
  return text:match("^[-+]?[%d,]*%.?%d+%%?$") ~= nil
    or text:match("^[-+]?[%d,]*%.?%d+%%?%(.*%)$") ~= nil
end

local function column_is_numeric(rows, column)
  local seen = false
  for _, row in ipairs(rows) do
    local cell = row.cells[column]
    if cell then
      local text = stringify(cell.contents)
      local verdict = numeric(text)
      if verdict == false then return false end
      if verdict then seen = true end
    end
  end
  return seen
end

local function body_rows(tbl)
  local rows = {}
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do table.insert(rows, row) end
  end
  return rows
end

-- Typst sets a table that fits on a page in one piece; a longer one may break, and its
-- header row repeats on the next page.
local SHORT_TABLE_ROWS = 24

-- Let table columns take the width their content needs (pandoc otherwise fixes relative
-- widths from the dashes of a long pipe table, which squeezes numbers into overlapping
-- cells), and right-align the columns that hold numbers.
function Table(tbl)
  local rows = body_rows(tbl)
  for i, spec in ipairs(tbl.colspecs) do
    local align = column_is_numeric(rows, i) and pandoc.AlignRight or spec[1]
    tbl.colspecs[i] = { align, pandoc.ColWidthDefault }
  end
  if FORMAT == "typst" and #rows <= SHORT_TABLE_ROWS then
    return {
      pandoc.RawBlock("typst", "#block(breakable: false)["),
      tbl,
      pandoc.RawBlock("typst", "]"),
    }
  end
  return tbl
end

-- A link to another file of the published site (e.g. the Data Docs) would break in a PDF
-- sent on its own: keep its text, drop the link.
function Link(link)
  if FORMAT == "typst" and not link.target:match("^#") and not link.target:match("^%a[%w+.-]*:") then
    return link.content
  end
  return link
end

-- Typst reads "1." at the start of a heading or a table cell as a numbered list; keep it text.
local function keep_number_as_text(block)
  local first = block.content[1]
  if FORMAT == "typst" and first and first.t == "Str" and first.text:match("^%d+[.)]$") then
    block.content[1] = pandoc.RawInline("typst", first.text:sub(1, -2) .. "\\" .. first.text:sub(-1))
  end
  return block
end

Header = keep_number_as_text
Plain = keep_number_as_text
