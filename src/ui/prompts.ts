// The Inquirer prompts the shell asks with, each from its own package rather than from the
// @inquirer/prompts barrel, which also brings the editor prompt and its text encodings
// (iconv-lite, chardet): about half a megabyte of the bundle that no question uses.
export { default as confirm } from '@inquirer/confirm';
export { default as input } from '@inquirer/input';
export { default as password } from '@inquirer/password';
export { default as search } from '@inquirer/search';
export { default as select } from '@inquirer/select';
