/** One line of the suite's table: a class, how many things were tried, how many went wrong, its figure. */
export interface Row {
  name: string;
  tried: number;
  wrong: number;
  figure: string;
  /** Why it is wrong, when it is (printed under the table). */
  detail?: string;
}
