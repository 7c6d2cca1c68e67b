import { writeFileSync } from 'node:fs';

/**
 * A screenshot, and beside it (same name, .txt) the text it shows: the workbench's and every webview frame's
 * visible text and the values of their input fields (a password field shows dots, its value is left out). The
 * secrets audit (tests/typescript/audit) greps those texts: an image cannot be grepped, its text can.
 */
export async function capture(page, file) {
  await page.screenshot({ path: file });
  const texts = [];
  for (const frame of page.frames()) {
    const text = await Promise.race([frame
      .evaluate(() => {
        const fields = [...document.querySelectorAll('input, textarea')]
          .filter((field) => field.type !== 'password' && field.value)
          .map((field) => field.value);
        return [document.body?.innerText ?? '', ...fields].join('\n');
      })
      .catch(() => ''), // a frame that went away meanwhile
    new Promise((resolve) => setTimeout(() => resolve(''), 5000).unref())]); // or that does not answer
    if (text.trim()) texts.push(`--- ${frame.url().slice(0, 120)}\n${text}`);
  }
  writeFileSync(file.replace(/\.png$/, '.txt'), `${texts.join('\n')}\n`);
  return file;
}
