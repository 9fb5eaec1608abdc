import type { Page } from 'playwright-core';

/** The text of the first element `selector` matches on the seller-chat widget's page. */
export const text = (page: Page, selector: string) => page.locator(selector).textContent();

/** The open chat as a person reads it: `> text` for one's own messages, `< text` for the other side's. */
export const chatLog = (page: Page) =>
  page.locator('#chat .cg-log li').evaluateAll((items) =>
    items.map((li) => {
      const reason = li.querySelector('.cg-reason');
      return `${li.classList.contains('cg-mine') ? '>' : '<'} ${li.querySelector('.cg-text')!.textContent}${reason ? ` (${reason.textContent})` : ''}`;
    }),
  );

/** Types a message into the open chat and sends it with Enter. */
export async function write(page: Page, message: string): Promise<void> {
  await page.fill('#chat .cg-input', message);
  await page.press('#chat .cg-input', 'Enter');
}
