-- Layout fixes of the fallback renderer, for both HTML and typst.

-- Let table columns take the width their content needs. Pandoc otherwise fixes relative
-- widths from the dashes of a long pipe table, which squeezes numbers into overlapping cells.
function Table(tbl)
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = { spec[1], pandoc.ColWidthDefault }
  end
  return tbl
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
