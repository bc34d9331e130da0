-- The notice that the data are synthetic, from the `data-notice` key of `_quarto.yml` (its
-- single source). The fallback's HTML template shows it on every page; this filter puts it
-- where the template cannot: the typst PDF (title page, running footer) and Quarto's pages.

local function notice_blocks(meta)
  local notice = meta["data-notice"]
  if not notice then return nil end
  if pandoc.utils.type(notice) == "Inlines" then return { pandoc.Para(notice) } end
  return notice
end

function Pandoc(doc)
  local notice = notice_blocks(doc.meta)
  if not notice then return doc end
  if FORMAT == "typst" and not quarto then
    -- book.typ shows the notice on the title page and in every page's footer.
    local markup = pandoc.write(pandoc.Pandoc(notice), "typst")
    doc.blocks:insert(1, pandoc.RawBlock("typst", "#data-notice.update[" .. markup .. "]"))
  elseif quarto then
    -- Quarto renders each chapter as its own document: a callout at the top of every page.
    doc.blocks:insert(1, pandoc.Div(notice, pandoc.Attr("", { "callout-warning" },
      { { "appearance", "simple" }, { "icon", "false" } })))
  end
  return doc
end
